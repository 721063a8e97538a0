from typing import Any

from django.core.management.base import BaseCommand

from chaperon.consent.services import consent_reminders_send


class Command(BaseCommand):
    help = (
        "Remind people who have not answered a consent request, at most once every few days "
        "(each organisation's setting). Safe to run as often as you like, e.g. hourly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = consent_reminders_send()
        self.stdout.write(f"{sent} consent reminder{'s' if sent != 1 else ''} sent")
