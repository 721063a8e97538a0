from django.tasks import task

from .services import transfers_remind_unreceived


@task()
def remind_unreceived_transfers_task() -> int:
    """Remind senders of files with no receipt after five school days (each once)."""
    return len(transfers_remind_unreceived())
