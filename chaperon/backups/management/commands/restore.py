from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.backups.archive import read_backup_key
from chaperon.backups.restoring import RestoreCheckFailed, RestoreRefused, restore_backup

PROGRESS_EVERY = 256 * 1024 * 1024
EXIT_CHECK_FAILED = 1


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    help = (
        "Restore a backup onto an empty database (DATABASE_URL) and an empty vault (VAULT_DIR), "
        "then check it: the audit log verifies, every recording's chunks authenticate, every "
        "table's count matches the backup's manifest. A backup altered or damaged is refused "
        "before anything is written."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)

    def handle(self, *args: Any, backup: Path, **options: Any) -> None:
        show = self.stderr.isatty()
        shown = {"read": 0}

        def progress(stage: str, done: int) -> None:
            if show and stage == "read" and done - shown["read"] >= PROGRESS_EVERY:
                shown["read"] = done
                self.stderr.write(f"\rread {done / 2**30:.1f} GiB", style_func=_plain, ending="")
                self.stderr.flush()

        try:
            key = read_backup_key()
            restored = restore_backup(backup, key, progress=progress)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except RestoreRefused as error:
            raise CommandError(f"refused: {error}") from None
        except RestoreCheckFailed as error:
            if shown["read"]:
                self.stderr.write("", style_func=_plain)
            self.stdout.write(f"restored, but the check failed: {error}")
            raise SystemExit(EXIT_CHECK_FAILED) from None
        if shown["read"]:
            self.stderr.write("", style_func=_plain)
        self.stdout.write(
            f"ok: restored {restored.rows:,} rows in {restored.tables} tables (as the manifest "
            f"counts); audit verify: {restored.events} events in {restored.chains} chains; "
            f"{restored.recordings} recordings ({restored.tracks} tracks) authenticate"
        )
