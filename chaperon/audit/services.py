"""Append to the audit log. Every service that changes state calls ``record`` in its transaction."""

import json
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.utils import timezone

from .actions import AuditAction
from .models import GENESIS_HASH, AuditChainHead, AuditEvent


class _Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


def _canonical_data(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _lock_head() -> tuple[int, str]:
    """Lock the chain head for the rest of the transaction and return (seq, hash)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(f"SELECT seq, hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
            row = cursor.fetchone()
            if row is not None:
                return int(row[0]), str(row[1])
            # A fresh (or flushed) database: make the head once, whoever gets there first.
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(id=1, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
            )
    raise RuntimeError("the audit chain head could not be created")


def record(
    *,
    action: AuditAction,
    actor: _Actor | None = None,
    obj: models.Model | None = None,
    organisation_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event, chained to the last. Call it inside the transaction of the change.

    ``organisation_id`` defaults to the object's (or else the actor's) organisation.
    ``data`` holds small JSON-able facts (ids, changed field names); no free-text personal data.
    """
    if organisation_id is None:
        organisation_id = getattr(obj, "organisation_id", None) or getattr(
            actor, "organisation_id", None
        )
    with transaction.atomic():
        last_seq, last_hash = _lock_head()
        event = AuditEvent(
            seq=last_seq + 1,
            occurred_at=timezone.now(),
            organisation_id=organisation_id,
            actor_id=actor.pk if actor is not None else None,
            actor_label=actor_label or (actor.get_username() if actor is not None else "system"),
            action=action.value,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            reason=reason,
            data=_canonical_data(data),
            prev_hash=last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event
