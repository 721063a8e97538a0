from typing import Any

from django.core.management.base import BaseCommand

from chaperon.demo import data
from chaperon.demo.loader import demo_logins, load_demo


class Command(BaseCommand):
    help = "Load the fictional demo school (once) and print its sign-in details."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, created = load_demo()
        state = "loaded" if created else "already loaded, kept as it is"
        self.stdout.write(f"Demo organisation: {organisation.name} ({state})")
        self.stdout.write(f"Every demo account's password: {data.PASSWORD}")
        for login in demo_logins(organisation):
            code = "  + code" if login.needs_code else ""
            self.stdout.write(f"  {login.email:<28} {login.name:<20} {login.roles}{code}")
        self.stdout.write(
            "Accounts marked '+ code' also need an authenticator code; get the current one with\n"
            "  .venv/bin/chaperon demo_code EMAIL"
        )
