"""Background work for consent (Django's tasks framework)."""

from django.tasks import task

from .services import consent_reminders_send


@task()
def send_consent_reminders_task() -> int:
    """Send the reminders that are due; returns how many. Safe to run often."""
    return consent_reminders_send()
