from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chaperon.audit.verify import verify_chain

PROGRESS_EVERY = 100_000


def _plain(text: str) -> str:
    return text  # progress is not an error: no red


class Command(BaseCommand):
    help = "Look after the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        subcommands.add_parser(
            "verify",
            help=(
                "Recompute the whole hash chain. Prints 'ok: N events' and exits 0, "
                "or names the first bad event and exits 1."
            ),
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        show_progress = self.stderr.isatty()
        shown = 0

        def progress(count: int) -> None:
            nonlocal shown
            if show_progress and count - shown >= PROGRESS_EVERY:
                shown = count
                self.stderr.write(f"\rchecked {count:,} events", style_func=_plain, ending="")
                self.stderr.flush()

        result = verify_chain(progress=progress)
        if shown:
            self.stderr.write("", style_func=_plain)  # end the progress line
        if not result.ok:
            self.stdout.write(f"broken: {result.problem}")
            raise SystemExit(1)
        self.stdout.write(f"ok: {result.events} events")
