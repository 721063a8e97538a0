import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.core.exceptions import ChaperonError
from chaperon.governance.services import filter_report_import
from chaperon.people.imports import UnreadableFile, decode_csv
from chaperon.people.models import Organisation, User


class Command(BaseCommand):
    help = (
        "Import a web filtering or monitoring report (a CSV export; see docs/governance.md), "
        "as the member of staff named by --as, who must be allowed to act on the reports. "
        "Every row is checked first: a file with any bad row imports nothing, and each problem "
        "is printed with its line and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8); - reads standard input")
        parser.add_argument("--organisation", required=True, metavar="SLUG")
        parser.add_argument(
            "--as",
            dest="importer",
            required=True,
            metavar="EMAIL",
            help="the work email of the member of staff the report is imported by",
        )

    def handle(
        self, *args: Any, file: str, organisation: str, importer: str, **options: Any
    ) -> None:
        target = Organisation.objects.filter(slug=organisation).first()
        if target is None:
            raise CommandError(f"No organisation has the slug {organisation!r}.")
        actor = User.objects.filter(
            email__iexact=importer.strip(), organisation=target, is_active=True
        ).first()
        if actor is None:
            raise CommandError(
                f"Nobody at {target.name} signs in as {importer!r}: give the work email of a "
                "current member of staff who acts on filtering reports."
            )
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
            text = decode_csv(data)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        name = "standard input" if file == "-" else Path(file).name
        try:
            outcome = filter_report_import(
                actor=actor, organisation=target, text=text, file_name=name
            )
        except ChaperonError as error:
            raise CommandError(str(error)) from None
        if outcome.report is None:
            for problem in outcome.errors:
                self.stderr.write(str(problem))
            count = len(outcome.errors)
            raise CommandError(
                f"Not imported: {count} problem{'s' if count != 1 else ''} in {file}. "
                "Nothing was changed."
            )
        report = outcome.report
        self.stdout.write(
            f"Imported {report.entry_count:,} entries from {name}: {report.serious_count:,} "
            f"serious, {report.unmatched_count:,} not matched to anyone."
        )
