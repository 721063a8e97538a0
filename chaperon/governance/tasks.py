"""Periodic work of governance (registered in ``apps.py``)."""

from django.tasks import task

from . import services


@task()
def send_training_reminders_task() -> int:
    """Periodic: remind staff (and their line managers) of training about to lapse (ORG-3)."""
    return services.training_reminders_send()
