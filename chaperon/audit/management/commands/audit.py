import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.audit.digest import (
    Digest,
    DigestError,
    check_signature,
    digest_key,
    parse_digests,
    read_digest_key,
    take_digests,
    verify_against_digest,
)
from chaperon.audit.models import SYSTEM_CHAIN
from chaperon.audit.verify import Verification, chain_name, verify_chain
from chaperon.core.keyfiles import write_key_file

PROGRESS_EVERY = 100_000
EXIT_BROKEN = 1
EXIT_BAD_DIGEST = 2


def _plain(text: str) -> str:
    return text  # progress is not an error: no red


def _organisation(given: str | None) -> int | None:
    """``--organisation``'s value: an organisation's id or slug, or 'system' for the chain of
    events that belong to no organisation."""
    if given is None:
        return None
    if given == "system":
        return SYSTEM_CHAIN
    if given.isdigit():
        return int(given)
    # Named, not imported: the audit app sits below the one that owns organisations.
    organisation = apps.get_model("people", "Organisation")
    found = organisation.objects.filter(slug=given).values_list("pk", flat=True).first()
    if found is None:
        raise CommandError(
            f"--organisation: no organisation has the slug {given!r}; give its id or slug, "
            "or 'system' for the events of no organisation"
        )
    return int(found)


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
                "Recompute every hash chain (each organisation's, the system chain and the "
                "legacy segment). Prints 'ok: N events in C chains' and exits 0, or names "
                "the first bad event and exits 1."
            ),
        )
        verify.add_argument(
            "--organisation",
            metavar="ID_OR_SLUG",
            help="verify only this organisation's chain ('system': the events of none)",
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
        digest = subcommands.add_parser(
            "digest", help="Print a signed digest of each chain's head as it is now."
        )
        digest.add_argument(
            "--organisation",
            metavar="ID_OR_SLUG",
            help="only this organisation's chain ('system': the events of none)",
        )
        new_key = subcommands.add_parser(
            "new-key",
            help="Make a new digest signing key file (mode 0600); never overwrites.",
        )
        new_key.add_argument("path", type=Path)

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify(options["digest"], _organisation(options["organisation"]))
        elif subcommand == "digest":
            digests = take_digests(
                digest_key(), organisation=_organisation(options["organisation"])
            )
            self.stdout.write("".join(digest.text() for digest in digests), ending="")
        elif subcommand == "new-key":
            self.new_key(options["path"])

    def verify(self, digest_given: str | None, organisation: int | None) -> None:
        digests = None if digest_given is None else self.read_digests(digest_given)
        result = self.walk(organisation)
        if digests is not None:
            result = verify_against_digest(digests, result)
        if not result.ok:
            self.stdout.write(f"broken: {result.problem}")
            raise SystemExit(EXIT_BROKEN)
        counted = f"{result.events} events in {result.chains} chain{'s' * (result.chains != 1)}"
        if organisation is not None:
            counted = f"{chain_name(organisation)}: {result.events} events"
        if digests is None:
            self.stdout.write(f"ok: {counted}")
            return
        matched = "; ".join(
            f"{chain_name(digest.chain_key)}: event #{digest.events} still matches the digest "
            f"of {digest.taken}"
            for digest in digests
        )
        self.stdout.write(f"ok: {counted}; {matched}")

    def read_digests(self, given: str) -> list[Digest]:
        """The digests, their signatures checked; exits 2 with one line if one does not
        hold."""
        try:
            digests = parse_digests(_digest_source(given))
            public = digest_key().public
            for digest in digests:
                check_signature(digest, public)
        except DigestError as error:
            self.stdout.write(f"invalid digest: {error}")
            raise SystemExit(EXIT_BAD_DIGEST) from None
        return digests

    def walk(self, organisation: int | None) -> Verification:
        show_progress = self.stderr.isatty()
        shown = 0

        def progress(count: int) -> None:
            nonlocal shown
            if show_progress and count - shown >= PROGRESS_EVERY:
                shown = count
                self.stderr.write(f"\rchecked {count:,} events", style_func=_plain, ending="")
                self.stderr.flush()

        result = verify_chain(progress=progress, organisation=organisation)
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
