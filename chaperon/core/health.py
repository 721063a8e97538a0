"""What ``/healthz`` says about background work: whether the task worker and the scheduler are
alive (their last heartbeat) and whether alerts are moving (how long the oldest one has waited
to be sent). Thresholds are settings; see the README."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Q

from .models import DeliveryStatus, EmailDelivery, Heartbeat, ProcessRole
from .taskqueue import uses_database_tasks
from .tasks import MAX_ATTEMPTS

# Still to be sent: waiting, being sent, or failed with a retry to come.
WAITING = Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]) | Q(
    status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
)


@dataclass
class Health:
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _age(at: datetime | None, now: datetime) -> float | None:
    return None if at is None else round(max(0.0, (now - at).total_seconds()), 1)


def background_health(*, now: datetime) -> Health:
    """What is known of background work, in two queries (``/healthz`` is asked often)."""
    health = Health()
    if uses_database_tasks():  # otherwise tasks run at once and no worker is expected
        limit = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
        roles = (ProcessRole.WORKER, ProcessRole.SCHEDULER)
        latest = Heartbeat.objects.aggregate(
            **{str(role): Max("beat_at", filter=Q(role=role)) for role in roles}
        )
        for role in roles:
            age = _age(latest[str(role)], now)
            health.facts[str(role)] = {"last_heartbeat_s": age}
            if age is None:
                health.problems.append(f"no {role} has reported")
            elif age > limit:
                health.problems.append(f"the {role} has been silent for {age:.0f} s")
    oldest = EmailDelivery.objects.filter(
        WAITING, purpose__in=settings.HEALTH_ALERT_PURPOSES
    ).aggregate(oldest=Min("created_at"))["oldest"]
    wait = _age(oldest, now)
    health.facts["oldest_waiting_alert_s"] = wait
    if wait is not None and wait > settings.HEALTH_ALERT_MAX_WAIT_SECONDS:
        health.problems.append(f"an alert has waited {wait:.0f} s to be sent")
    return health
