from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.core.actors import SYSTEM
from chaperon.people.imports import Progress
from chaperon.people.models import Organisation
from chaperon.people.roster import RosterResult, read_folder, read_zip, roster_import
from chaperon.people.roster.files import UnreadableExport
from chaperon.people.roster.report import KINDS
from chaperon.people.roster.service import roster_import_record

# Names listed per kind and change before "and N more".
LISTED = 20


def describe(result: RosterResult, *, listed: int = LISTED) -> list[str]:
    """The preview of ``result`` as lines: counts per kind, then who is added, changed or
    marked as left."""
    lines = []
    for kind in KINDS:
        changes = getattr(result, kind)
        left = "ended" if kind == "groups" else "marked as left"
        lines.append(
            f"{kind.capitalize()}: {len(changes.created):,} added, {len(changes.updated):,} "
            f"changed, {len(changes.left):,} {left}, {changes.unchanged:,} unchanged"
        )
        for what, names in (("added", changes.created), ("changed", changes.updated)):
            lines.extend(_listed(f"  {what}", names, listed))
        lines.extend(_listed(f"  {left}", changes.left, listed))
    lines.append(
        f"Places in classes and groups: {result.members_added:,} added, "
        f"{result.members_removed:,} removed; parents and carers linked: {result.links_added:,}"
    )
    return lines


def _listed(label: str, names: list[str], listed: int) -> list[str]:
    if not names:
        return []
    more = f" and {len(names) - listed:,} more" if len(names) > listed else ""
    return [f"{label}: {', '.join(names[:listed])}{more}"]


class Command(BaseCommand):
    help = (
        "Import a OneRoster 1.2 CSV export (a zip file or a folder; see docs/import.md). Without "
        "--apply it shows what would change and writes nothing. An export with any bad row "
        "imports nothing, and each problem is printed with its file, line and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the export: a zip file or a folder of CSV files")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="the organisation to import into (needed when there is more than one)",
        )
        parser.add_argument("--apply", action="store_true", help="make the changes shown")

    def handle(
        self, *args: Any, path: str, organisation: str | None, apply: bool, **options: Any
    ) -> None:
        target = self._organisation(organisation)
        try:
            source = Path(path)
            files = read_folder(source) if source.is_dir() else read_zip(source.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except UnreadableExport as error:
            raise CommandError(str(error)) from None
        self._shown: tuple[str, int] | None = None
        result = roster_import(
            actor=SYSTEM,
            organisation=target,
            files=files,
            apply=apply,
            progress=self._show_progress,
        )
        if apply:
            roster_import_record(
                actor=SYSTEM, organisation=target, files=files, result=result, source=path
            )
        if result.refused:
            for problem in result.errors:
                self.stderr.write(str(problem))
            count = len(result.errors)
            raise CommandError(
                f"Not imported: {count} problem{'s' if count != 1 else ''} in {path}. "
                "Nothing was changed."
            )
        for line in describe(result):
            self.stdout.write(line)
        if apply:
            self.stdout.write(f"Imported {result.rows:,} rows.")
        elif result.changes_nothing:
            self.stdout.write("Nothing to change.")
        else:
            self.stdout.write("Nothing written: run again with --apply to make these changes.")

    @staticmethod
    def _organisation(slug: str | None) -> Organisation:
        if slug is not None:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No organisation has the slug {slug!r}.")
            return found
        organisations = list(Organisation.objects.filter(is_demo=False)[:2])
        if len(organisations) != 1:
            raise CommandError("Name the organisation to import into with --organisation SLUG.")
        return organisations[0]

    def _show_progress(self, progress: Progress) -> None:
        if progress.total < 1000:
            return
        done = progress.written if progress.phase == "writing" else progress.checked
        tenth = (progress.phase, done * 10 // progress.total)
        if tenth != self._shown:
            self._shown = tenth
            verb = "saved" if progress.phase == "writing" else "checked"
            self.stderr.write(f"{done:,} of {progress.total:,} records {verb}")
