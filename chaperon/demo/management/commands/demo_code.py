from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.accounts.models import TotpDevice
from chaperon.demo.loader import demo_code


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            self.stdout.write(demo_code(email))
        except TotpDevice.DoesNotExist:
            raise CommandError(
                f"{email} is not a demo account with an authenticator; "
                "codes are only shown for the demo organisation"
            ) from None
