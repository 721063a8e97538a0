import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.core.actors import SYSTEM
from chaperon.people.imports import (
    ImportResult,
    Progress,
    UnreadableFile,
    decode_csv,
    people_import,
)
from chaperon.people.models import ImportKind, Organisation

# Smaller files finish before progress would be worth reading.
PROGRESS_FROM_ROWS = 1000


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import staff, learners or parents and carers from a CSV file (see docs/import.md). "
        "Every row is checked first: a file with any bad row imports nothing, and each problem "
        "is printed with its line and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8); - reads standard input")
        parser.add_argument("--organisation", required=True, metavar="SLUG")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, write nothing"
        )

    def handle(
        self, *args: Any, file: str, organisation: str, kind: str, dry_run: bool, **options: Any
    ) -> None:
        target = Organisation.objects.filter(slug=organisation).first()
        if target is None:
            raise CommandError(f"No organisation has the slug {organisation!r}.")
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
            text = decode_csv(data)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        self._shown: tuple[str, int] | None = None
        result = people_import(
            actor=SYSTEM,
            organisation=target,
            kind=kind,
            text=text,
            dry_run=dry_run,
            progress=self._show_progress,
        )
        if result.refused:
            for problem in result.errors:
                self.stderr.write(str(problem))
            count = len(result.errors)
            raise CommandError(
                f"Not imported: {count} problem{'s' if count != 1 else ''} in {file}. "
                "Nothing was changed."
            )
        self.stdout.write(self._summary(result))

    def _show_progress(self, progress: Progress) -> None:
        if progress.total < PROGRESS_FROM_ROWS:
            return
        done = progress.written if progress.phase == "writing" else progress.checked
        tenth = (progress.phase, done * 10 // progress.total)
        if tenth != self._shown:
            self._shown = tenth
            verb = "saved" if progress.phase == "writing" else "checked"
            self.stderr.write(f"{done:,} of {progress.total:,} rows {verb}")

    @staticmethod
    def _summary(result: ImportResult) -> str:
        counts = (
            f"{result.created:,} added, {result.updated:,} changed, {result.unchanged:,} unchanged"
        )
        if result.dry_run:
            return (
                f"Checked {result.rows:,} rows, no problems: would have {counts}. Nothing written."
            )
        return f"Imported {_rows(result.rows)}: {counts}."
