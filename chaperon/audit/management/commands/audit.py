import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.audit.digest import (
    Digest,
    DigestError,
    check_signature,
    digest_key,
    parse_digest,
    read_digest_key,
    take_digest,
    verify_against_digest,
)
from chaperon.audit.verify import Verification, verify_chain
from chaperon.core.keyfiles import write_key_file

PROGRESS_EVERY = 100_000
EXIT_BROKEN = 1
EXIT_BAD_DIGEST = 2


def _plain(text: str) -> str:
    return text  # progress is not an error: no red


def _digest_source(given: str) -> str:
    """``--digest``'s value: '-' for standard input, the digest's text itself, or a file."""
    if given == "-":
        return sys.stdin.read()
    if "\n" in given or given.lstrip().startswith("-----BEGIN"):
        return given
    try:
        return Path(given).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise CommandError(
            f"--digest: cannot read {given}: {error.strerror or error}. Give the file the "
            "digest email was saved to, '-' to read it from standard input, or its text."
        ) from None


class Command(BaseCommand):
    help = "Look after the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify = subcommands.add_parser(
            "verify",
            help=(
                "Recompute the whole hash chain. Prints 'ok: N events' and exits 0, "
                "or names the first bad event and exits 1."
            ),
        )
        verify.add_argument(
            "--digest",
            metavar="FILE_OR_TEXT",
            help=(
                "also check that the chain still holds the head recorded by this signed digest "
                "(a saved digest email, '-' for standard input, or the digest's text); exits 2 "
                "if the digest cannot be read or its signature does not hold"
            ),
        )
        subcommands.add_parser(
            "digest", help="Print a signed digest of the chain head as it is now."
        )
        new_key = subcommands.add_parser(
            "new-key",
            help="Make a new digest signing key file (mode 0600); never overwrites.",
        )
        new_key.add_argument("path", type=Path)

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify(options["digest"])
        elif subcommand == "digest":
            self.stdout.write(take_digest(digest_key()).text(), ending="")
        elif subcommand == "new-key":
            self.new_key(options["path"])

    def verify(self, digest_given: str | None) -> None:
        digest = None if digest_given is None else self.read_digest(digest_given)
        result = self.walk()
        if digest is not None:
            result = verify_against_digest(digest, result)
        if not result.ok:
            self.stdout.write(f"broken: {result.problem}")
            raise SystemExit(EXIT_BROKEN)
        if digest is None:
            self.stdout.write(f"ok: {result.events} events")
        else:
            self.stdout.write(
                f"ok: {result.events} events; event #{digest.events} still matches the digest "
                f"of {digest.taken}"
            )

    def read_digest(self, given: str) -> Digest:
        """The digest, its signature checked; exits 2 with one line if it does not hold."""
        try:
            digest = parse_digest(_digest_source(given))
            check_signature(digest, digest_key().public)
        except DigestError as error:
            self.stdout.write(f"invalid digest: {error}")
            raise SystemExit(EXIT_BAD_DIGEST) from None
        return digest

    def walk(self) -> Verification:
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
        return result

    def new_key(self, path: Path) -> None:
        try:
            write_key_file(path)
        except FileExistsError:
            raise CommandError(f"{path} exists already: it is never overwritten") from None
        key_id = read_digest_key(path, setting="new-key").key_id
        self.stdout.write(
            f"made {path} ({key_id}); back it up apart from the database and set "
            "AUDIT_DIGEST_KEY_FILE to it"
        )
