"""Helpers shared by the import tests (this module holds no tests itself)."""

from typing import Any

from django.db.models import Model

from chaperon.audit.models import AuditEvent
from chaperon.people.models import (
    Guardian,
    GuardianRelationship,
    Learner,
    StaffMember,
    StaffRole,
    User,
)

PEOPLE_MODELS: tuple[type[Model], ...] = (
    User,
    StaffMember,
    StaffRole,
    Learner,
    Guardian,
    GuardianRelationship,
    AuditEvent,
)


def everything() -> dict[str, list[dict[str, Any]]]:
    """Every people record and audit event, field by field: equal before and after means that
    nothing at all was written."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in PEOPLE_MODELS
    }


def csv_text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


def audit_actions(since: int) -> list[str]:
    """The actions of the audit events after number ``since``, in order."""
    return list(AuditEvent.objects.filter(id__gt=since).values_list("action", flat=True))


def last_audit_seq() -> int:
    event = AuditEvent.objects.order_by("-id").first()
    return event.id if event else 0
