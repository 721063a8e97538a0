"""Escalating concerns nobody has acknowledged in time (INC-1: someone is always reachable)."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.service_log import logged

from .. import alerts, conf
from ..models import Concern, EntryKind, Status
from .common import add_entry


@logged
def concerns_escalate_overdue(*, now: datetime | None = None) -> list[str]:
    """Escalate each concern still unacknowledged a set time after it was raised (or last
    escalated): email the senior leaders and the leads again, and record it. Each concern
    is claimed with a conditional UPDATE, so two runs never escalate it twice. Returns the
    references escalated."""
    now = now or timezone.now()
    due_before = now - conf.acknowledge_within()
    escalated = []
    due = Concern.objects.filter(status=Status.RAISED, last_alerted_at__lte=due_before)
    for concern_id in due.values_list("pk", flat=True):
        reference = _escalate(concern_id, due_before=due_before, now=now)
        if reference:
            escalated.append(reference)
    return escalated


@transaction.atomic
def _escalate(concern_id: int, *, due_before: datetime, now: datetime) -> str:
    claimed = Concern.objects.filter(
        pk=concern_id, status=Status.RAISED, last_alerted_at__lte=due_before
    ).update(last_alerted_at=now, escalations=F("escalations") + 1, updated_at=now)
    if not claimed:
        return ""
    concern = Concern.objects.select_related("organisation", "subject_staff").get(pk=concern_id)
    told = alerts.alert_escalation(concern)
    minutes = int((now - concern.created_at).total_seconds() // 60)
    add_entry(
        concern,
        kind=EntryKind.ESCALATED,
        summary=f"Not acknowledged after {minutes} minutes: escalated to {len(told)} people: "
        + ", ".join(told),
        author=None,
        data={"to": told, "escalation": concern.escalations},
    )
    record(
        action=AuditAction.CONCERN_ESCALATED,
        obj=concern,
        data={"escalation": concern.escalations, "alerted": len(told)},
    )
    return concern.reference
