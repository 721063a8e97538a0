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


@task()
def prepare_board_reports_task() -> int:
    """Periodic: at each quarter's end, prepare the board's report and tell the DSL and the
    board's safeguarding champion (ORG-6)."""
    return services.board_reports_prepare()


@task()
def send_board_meeting_reminders_task() -> int:
    """Periodic: remind the DSL to complete the quarterly report before the board meets, once
    per meeting (ORG-6)."""
    return services.board_meeting_reminders_send()
