"""What ``/healthz`` says about background work: whether the task worker and the scheduler are
alive (their last heartbeat) and whether alerts are moving (how long the oldest one has waited
to be sent). Thresholds are settings; see the README."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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


ROLES = (ProcessRole.WORKER, ProcessRole.SCHEDULER)
_compiled: dict[tuple[object, ...], tuple[str, tuple[Any, ...]]] = {}


def _facts_query() -> tuple[str, tuple[Any, ...]]:
    """One statement for every fact: the latest heartbeat of each role and the oldest alert
    still to be sent, as scalar subqueries. Written with the ORM, compiled once per database
    and set of alert purposes (``/healthz`` is asked often; compiling cost more than asking)."""
    purposes = tuple(settings.HEALTH_ALERT_PURPOSES)
    key = (connection.alias, connection.vendor, purposes, MAX_ATTEMPTS)
    if key not in _compiled:
        parts: list[QuerySet[Any, Any]] = [
            Heartbeat.objects.filter(role=role).order_by("-beat_at").values("beat_at")[:1]
            for role in ROLES
        ]
        parts.append(
            EmailDelivery.objects.filter(WAITING, purpose__in=purposes)
            .order_by("created_at")
            .values("created_at")[:1]
        )
        sqls: list[str] = []
        params: list[Any] = []
        for part in parts:
            sql, part_params = part.query.get_compiler(connection=connection).as_sql()
            sqls.append(f"({sql})")
            # Plain values: a raw cursor does not take the choices' enum members (SQLite).
            params.extend(p.value if isinstance(p, Enum) else p for p in part_params)
        _compiled[key] = ("SELECT " + ", ".join(sqls), tuple(params))
    return _compiled[key]


def _moment(value: object) -> datetime | None:
    """A stored moment as the database gave it (SQLite: text, in UTC) as an aware datetime."""
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ValueError(f"not a moment: {value!r}")
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def background_health(*, now: datetime) -> Health:
    """What is known of background work, in one query (``/healthz`` is asked often)."""
    health = Health()
    sql, params = _facts_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    worker, scheduler, oldest = (_moment(value) for value in row)
    if uses_database_tasks():  # otherwise tasks run at once and no worker is expected
        limit = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
        for role, latest in zip(ROLES, (worker, scheduler), strict=True):
            age = _age(latest, now)
            health.facts[str(role)] = {"last_heartbeat_s": age}
            if age is None:
                health.problems.append(f"no {role} has reported")
            elif age > limit:
                health.problems.append(f"the {role} has been silent for {age:.0f} s")
    wait = _age(oldest, now)
    health.facts["oldest_waiting_alert_s"] = wait
    if wait is not None and wait > settings.HEALTH_ALERT_MAX_WAIT_SECONDS:
        health.problems.append(f"an alert has waited {wait:.0f} s to be sent")
    return health


def health_report(*, now: datetime) -> tuple[int, dict[str, Any]]:
    """``/healthz``'s status and body: 200 when the database answers, the task worker and
    the scheduler are alive and alerts are moving; 503, saying what is wrong, when not."""
    try:
        # Its query is the proof that the database answers.
        health = background_health(now=now)
    except Exception as error:  # any failure at all means "not healthy"
        return 503, {"status": "error", "database": type(error).__name__}
    body: dict[str, Any] = {
        "status": "error" if health.problems else "ok",
        "database": "ok",
        **health.facts,
    }
    if health.problems:
        body["problems"] = health.problems
    return (503 if health.problems else 200), body
