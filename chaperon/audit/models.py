"""The append-only, hash-chained audit log.

Each event's ``hash`` is SHA-256 over a canonical encoding of its fields and the previous
event's hash, so editing, deleting or reordering any event breaks the chain (``verify``).
The application refuses updates and deletes here; on PostgreSQL a trigger refuses them too.
"""

import hashlib
import json
from datetime import datetime
from typing import Any, ClassVar, NoReturn

from django.db import models

from .actions import AuditAction

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Audit events are never changed or removed."""


def canonical_encoding(
    *,
    seq: int,
    occurred_at: datetime,
    organisation_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    data: str,
    prev_hash: str,
) -> bytes:
    """The exact bytes an event's hash covers. Changing this breaks every stored chain."""
    fields = [
        1,  # encoding version
        seq,
        occurred_at.isoformat(timespec="microseconds"),
        organisation_id,
        actor_id,
        actor_label,
        action,
        object_type,
        object_id,
        reason,
        data,
        prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical_encoding(**fields)).hexdigest()


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    reason = models.TextField()
    data = models.TextField()
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def chain_fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at,
            "organisation_id": self.organisation_id,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "reason": self.reason,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return chain_hash(**self.chain_fields())

    @property
    def details(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.data) if self.data else {}
        return decoded


class AuditChainHead(models.Model):
    """One row: the last event's number and hash. Locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_head")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
