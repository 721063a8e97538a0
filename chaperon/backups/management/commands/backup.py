from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.backups.archive import read_backup_key
from chaperon.backups.pruning import prune_backups
from chaperon.backups.taking import BackupFailed, take_backup
from chaperon.core.keyfiles import write_key_file

PROGRESS_EVERY = 256 * 1024 * 1024


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    help = (
        "Write one consistent, encrypted backup of the database and the recordings vault "
        "(never the vault's key-encryption key) into --to (default BACKUP_DIR)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", type=Path, metavar="FOLDER", help="where to write it (default BACKUP_DIR)"
        )
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        new_key = subcommands.add_parser(
            "new-key", help="Make a new backup key file (mode 0600); never overwrites."
        )
        new_key.add_argument("path", type=Path)
        prune = subcommands.add_parser(
            "prune",
            help=(
                "Delete the backups whose retention has passed: kept until the first "
                "recording in them is due for destruction, at most BACKUP_KEEP_DAYS; the "
                "newest is always kept."
            ),
        )
        prune.add_argument(
            "--in", dest="folder", type=Path, metavar="FOLDER", help="default BACKUP_DIR"
        )

    def handle(self, *args: Any, subcommand: str | None, **options: Any) -> None:
        if subcommand == "new-key":
            self.new_key(options["path"])
            return
        try:
            key = read_backup_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if subcommand == "prune":
            folder = options["folder"] or Path(settings.BACKUP_DIR)
            result = prune_backups(folder, key, now=datetime.now(UTC))
            for path in result.deleted:
                self.stdout.write(f"deleted {path.name}")
            for path, problem in result.unreadable:
                self.stdout.write(f"left {path.name}: {problem}")
            self.stdout.write(f"ok: {len(result.deleted)} deleted, {len(result.kept)} kept")
            return
        self.create(options["to"] or Path(settings.BACKUP_DIR), key)

    def create(self, folder: Path, key: Any) -> None:
        show = self.stderr.isatty()
        shown = 0

        def progress(stage: str, done: int) -> None:
            nonlocal shown
            if show and stage == "vault" and done - shown >= PROGRESS_EVERY:
                shown = done
                self.stderr.write(
                    f"\rcopied {done / 2**30:.1f} GiB of recordings", style_func=_plain, ending=""
                )
                self.stderr.flush()

        try:
            taken = take_backup(folder, key, progress=progress)
        except BackupFailed as error:
            raise CommandError(f"no backup was written: {error}") from None
        if shown:
            self.stderr.write("", style_func=_plain)
        self.stdout.write(
            f"ok: {taken.path} ({taken.size:,} bytes): {taken.rows:,} rows in "
            f"{taken.tables} tables, {taken.recordings} recordings ({taken.vault_bytes:,} "
            "bytes of ciphertext); the key-encryption key is not in it"
        )

    def new_key(self, path: Path) -> None:
        try:
            write_key_file(path)
        except FileExistsError:
            raise CommandError(f"{path} exists already: it is never overwritten") from None
        key_id = read_backup_key(path, setting="new-key").key_id
        self.stdout.write(
            f"made {path} ({key_id}); keep a copy apart from the backups and set "
            "BACKUP_KEY_FILE to it"
        )
