"""Periodic work of governance (registered in ``apps.py``)."""

from django.tasks import task

from . import services


@task()
def send_training_reminders_task() -> int:
    """Periodic: remind staff (and their line managers) of training about to lapse (ORG-3)."""
    return services.training_reminders_send()


@task()
def send_aup_requests_task(version_id: int) -> int:
    """Make and email the acceptable use agreement's personal links asked for (ORG-2)."""
    return services.aup_requests_send(version_id=version_id)
