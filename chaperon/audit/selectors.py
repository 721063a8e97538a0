"""Reads of the audit log for higher apps."""

import json

from django.db.models import Q

from .models import AuditEvent

# The most events about one person read at once: a subject access export says when it stops.
EVENTS_ABOUT_LIMIT = 5000


def _names(event: AuditEvent, data_key: str, object_id: int) -> bool:
    try:
        data = json.loads(event.data) if event.data else {}
    except ValueError:
        return False
    return isinstance(data, dict) and data.get(data_key) == object_id


def events_about(
    *, organisation_id: int, object_type: str, object_id: int, data_key: str
) -> list[AuditEvent]:
    """The organisation's audit events about one record: those whose object it is, and those
    whose data names it under ``data_key`` (``{"learner": 12}``), oldest first."""
    named = f'"{data_key}":{object_id}'
    rows = (
        AuditEvent.objects.filter(organisation_id=organisation_id)
        .filter(Q(object_type=object_type, object_id=str(object_id)) | Q(data__contains=named))
        .order_by("occurred_at", "id")[:EVENTS_ABOUT_LIMIT]
    )
    return [
        event
        for event in rows
        if (event.object_type == object_type and event.object_id == str(object_id))
        or _names(event, data_key, object_id)
    ]
