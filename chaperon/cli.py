"""The ``chaperon`` command: Django's management commands, with the local defaults."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaperon.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chaperon", *(sys.argv[1:] if argv is None else argv)])
    return 0
