import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return [
        f"{migration.app_label}.{migration.name}"
        for migration, backwards in executor.migration_plan(targets)
        if not backwards
    ]


class Command(BaseCommand):
    help = (
        "Apply every pending migration, all or none: on PostgreSQL in one transaction; on "
        "SQLite from a copy of the database taken first and put back if a migration fails."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        pending = pending_migrations()
        if not pending:
            self.stdout.write("ok: the database is up to date; nothing to apply")
            return
        self.stdout.write(f"applying {len(pending)} migrations: {', '.join(pending)}")
        if connection.vendor == "postgresql":
            self.in_one_transaction()
        elif connection.vendor == "sqlite":
            self.from_a_copy()
        else:
            raise CommandError(f"`chaperon upgrade` does not support {connection.vendor}")
        self.stdout.write(f"ok: {len(pending)} migrations applied")

    def migrate(self) -> None:
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)

    def in_one_transaction(self) -> None:
        try:
            with transaction.atomic():
                self.migrate()
        except Exception as error:
            raise CommandError(
                f"the upgrade failed ({type(error).__name__}: {error}); every migration was "
                "rolled back: the database is as it was"
            ) from error

    def from_a_copy(self) -> None:
        path = Path(str(connection.settings_dict["NAME"]))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        copy = path.with_name(f"{path.name}.before-upgrade-{stamp}")
        source, target = sqlite3.connect(str(path)), sqlite3.connect(str(copy))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
        try:
            self.migrate()
        except Exception as error:
            connection.close()
            for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            copy.replace(path)
            raise CommandError(
                f"the upgrade failed ({type(error).__name__}: {error}); the database was put "
                "back from the copy taken before it: it is as it was"
            ) from error
        copy.unlink()
