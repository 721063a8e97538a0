"""Periodic work on meeting records (registered in ``apps.py``)."""

from django.tasks import task

from . import services


@task()
def send_meeting_record_reminders_task() -> int:
    """Periodic: remind hosts (then their line managers) of meeting records not written."""
    return services.meeting_record_reminders_send()


@task()
def destroy_expired_meeting_records_task() -> int:
    """Periodic: destroy meeting records at the end of their retention period (LOG-2)."""
    return services.meeting_records_destroy_expired()
