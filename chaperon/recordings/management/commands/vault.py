from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.recordings.keys import read_key_file, write_key_file
from chaperon.recordings.services import rewrap_all


class Command(BaseCommand):
    help = "Look after the recordings vault's keys."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        new_key = subcommands.add_parser(
            "new-key", help="Make a new key-encryption key file (mode 0600); never overwrites."
        )
        new_key.add_argument("path", type=Path)
        rewrap = subcommands.add_parser(
            "rewrap",
            help=(
                "Wrap every recording's data key under the key in --new-key-file, without "
                "re-encrypting any media. Safe to interrupt and run again."
            ),
        )
        rewrap.add_argument("--new-key-file", type=Path, required=True)

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "new-key":
            path: Path = options["path"]
            try:
                write_key_file(path)
            except FileExistsError:
                raise CommandError(f"{path} exists already: it is never overwritten") from None
            key_id = read_key_file(path).key_id
            self.stdout.write(f"made {path} ({key_id}); back it up apart from the database")
        elif subcommand == "rewrap":
            new = read_key_file(options["new_key_file"], setting="--new-key-file")
            result = rewrap_all(new)
            self.stdout.write(
                f"ok: {result.rewrapped} data keys now under {new.key_id} "
                f"({result.already} were already)"
            )
