from django.tasks import task

from .services import concerns_escalate_overdue


@task()
def escalate_unacknowledged_concerns_task() -> int:
    """Escalate concerns nobody has acknowledged in time (idempotent: each is claimed)."""
    return len(concerns_escalate_overdue())
