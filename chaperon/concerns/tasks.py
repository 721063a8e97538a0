from django.tasks import task

from .ratelimit import forget_old_counts
from .services import concerns_escalate_overdue
from .spool import replay_spooled_reports


@task()
def escalate_unacknowledged_concerns_task() -> int:
    """Escalate concerns nobody has acknowledged in time (idempotent: each is claimed)."""
    return len(concerns_escalate_overdue())


@task()
def replay_spooled_reports_task() -> int:
    """Raise the public reports kept while the database was down (idempotent: each once)."""
    return len(replay_spooled_reports().raised)


@task()
def forget_old_report_counts_task() -> int:
    """Forget the public page's counts of reports per address for hours that are over."""
    return forget_old_counts()
