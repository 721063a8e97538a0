from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chaperon.concerns.spool import folder, replay_spooled_reports


class Command(BaseCommand):
    help = (
        "Raise the public reports kept in the spool while the database was down (the scheduler "
        "does this every minute). Safe to run at any time and more than once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = replay_spooled_reports()
        for receipt in result.raised:
            self.stdout.write(f"raised {receipt}")
        for name, reason in result.failed.items():
            self.stderr.write(f"kept {folder() / name}: {reason}")
        self.stdout.write(
            f"ok: {len(result.raised)} raised, {len(result.already)} had been already, "
            f"{len(result.failed)} kept for a person to look at"
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} spooled reports could not be raised")
