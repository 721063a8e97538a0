"""Reads of the organisation's email deliveries (LOG-1): what could not be sent, what is
waiting, what went."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns.models import Concern
from chaperon.concerns.selectors import allegations_hidden_from
from chaperon.core.models import (
    ATTENTION_STATUSES,
    MAX_DELIVERY_ATTEMPTS,
    DeliveryStatus,
    EmailDelivery,
)
from chaperon.people.models import User

from .permissions import may_see_deliveries, require_may_see_deliveries

NEEDS_ATTENTION = Q(status__in=ATTENTION_STATUSES) | Q(
    status=DeliveryStatus.FAILED, attempts__gte=MAX_DELIVERY_ATTEMPTS
)
WAITING = Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]) | Q(
    status=DeliveryStatus.FAILED, attempts__lt=MAX_DELIVERY_ATTEMPTS
)
SHOWN = 100
CONCERN_TYPE = Concern._meta.label_lower


def _of(viewer: User) -> QuerySet[EmailDelivery]:
    """The organisation's email, without what was sent about an allegation the viewer may not
    open (its subject names the case)."""
    hidden = [str(pk) for pk in allegations_hidden_from(viewer)]
    return (
        EmailDelivery.objects.filter(organisation_id=viewer.organisation_id)
        .exclude(object_type=CONCERN_TYPE, object_id__in=hidden)
        .defer("text", "html", "attachments")
    )


@dataclass(frozen=True)
class DeliveriesPage:
    attention: list[EmailDelivery]  # not sent and not going to be without someone acting
    waiting: list[EmailDelivery]  # still to go, or being tried again
    recent: list[EmailDelivery]  # the latest, whatever became of them


def deliveries_page_for(viewer: User) -> DeliveriesPage:
    """The organisation's email: addresses and subjects to parents and staff (audited)."""
    require_may_see_deliveries(viewer)
    mine = _of(viewer)
    record(action=AuditAction.EMAIL_DELIVERIES_VIEWED, actor=viewer, obj=viewer.organisation)
    return DeliveriesPage(
        attention=list(mine.filter(NEEDS_ATTENTION).order_by("-created_at")[:SHOWN]),
        waiting=list(mine.filter(WAITING).order_by("created_at")[:SHOWN]),
        recent=list(mine.order_by("-created_at", "-id")[:SHOWN]),
    )


def dashboard_for(viewer: User) -> dict[str, Any] | None:
    """The dashboard panel: shown to those who may see deliveries when some need attention."""
    if not may_see_deliveries(viewer):
        return None
    count = _of(viewer).filter(NEEDS_ATTENTION).count()
    return {"attention_count": count} if count else None
