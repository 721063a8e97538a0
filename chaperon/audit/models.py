"""The append-only, hash-chained audit log.

Each event's ``hash`` is SHA-256 over a canonical encoding of its fields and the previous
event's hash, so editing, deleting or reordering any event breaks the chain (``verify``).
The application refuses updates and deletes here; database triggers refuse them too
(migration 0002), and ``AuditChainHead`` remembers the last event so a removed tail shows.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, ClassVar, NoReturn

from django.db import models

from .actions import AuditAction

GENESIS_HASH = "0" * 64
ENCODING_VERSION = 1

# The stored columns the hash covers, in the order of the canonical encoding.
CHAINED_COLUMNS = (
    "seq",
    "occurred_at",
    "organisation_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "reason",
    "data",
    "prev_hash",
)

_string = json.encoder.encode_basestring  # JSON string, non-ASCII kept as it is


class AppendOnlyError(Exception):
    """Audit events are never changed or removed."""


def utc_timestamp(value: datetime) -> str:
    """The canonical form of an event's time: UTC, ISO 8601, always with microseconds."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


def utc_timestamp_from_text(text: str) -> str:
    """``utc_timestamp`` from the time as the database writes it in UTC,
    'YYYY-MM-DD HH:MM:SS[.f...]': cheaper than making a datetime of it first."""
    whole, _, fraction = text.partition(".")
    return f"{whole[:10]}T{whole[11:19]}.{fraction:0<6}+00:00"


def _number(value: object) -> str:
    """A JSON number, or null. Anything else (only a tampered row holds it) becomes a JSON
    string, so that it can never pass for a number or for neighbouring fields."""
    if value is None:
        return "null"
    return str(value) if type(value) is int else _string(str(value))


def encode_fields(
    seq: int,
    timestamp: str,
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
    """The canonical encoding, given the time already as ``utc_timestamp`` writes it.

    It is the compact JSON array (UTF-8, non-ASCII unescaped) of the encoding version and
    the ``CHAINED_COLUMNS`` in order, written out directly: ``verify`` runs this for every
    event, and it is several times faster than ``json.dumps`` while giving the same bytes.
    """
    return (
        f"[{ENCODING_VERSION},{_number(seq)},{_string(timestamp)},"
        f"{_number(organisation_id)},{_number(actor_id)},"
        f"{_string(actor_label)},{_string(action)},{_string(object_type)},{_string(object_id)},"
        f"{_string(reason)},{_string(data)},{_string(prev_hash)}]"
    ).encode()


def encode_row(row: tuple[Any, ...] | list[Any]) -> bytes:
    """The canonical encoding of one row of ``CHAINED_COLUMNS`` (the time as a datetime)."""
    seq, occurred_at, *rest = row
    return encode_fields(seq, utc_timestamp(occurred_at), *rest)


def encoding_around_chain(row: tuple[Any, ...] | list[Any]) -> tuple[str, str, str]:
    """The canonical encoding of an event whose ``seq`` and ``prev_hash`` are not known yet,
    as (before seq, between seq and prev_hash, after prev_hash): joined with the decimal
    ``seq`` and the hex ``prev_hash`` (neither needs escaping), it is ``encode_row``'s text.
    ``row`` is the columns after ``seq`` and before ``prev_hash``."""
    before = f"[{ENCODING_VERSION},"
    text = encode_row([0, *row, ""]).decode()
    between = text[len(before) + 1 : -3]
    if text != f'{before}0{between}""]':
        raise RuntimeError("the canonical encoding no longer has seq second and prev_hash last")
    return before, between + '"', '"]'


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
    """The exact bytes an event's hash covers (see ``encode_fields``). Changing this breaks
    every stored chain."""
    return encode_row(
        (
            seq,
            occurred_at,
            organisation_id,
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            reason,
            data,
            prev_hash,
        )
    )


def chain_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical_encoding(**fields)).hexdigest()


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=254)
    # Values of AuditAction. No ``choices``: apps add actions often, and each would
    # otherwise need a migration here.
    action = models.CharField(max_length=64)
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
        return {column: getattr(self, column) for column in CHAINED_COLUMNS}

    def compute_hash(self) -> str:
        return chain_hash(**self.chain_fields())

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action

    @property
    def details(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.data) if self.data else {}
        return decoded


class AuditChainHead(models.Model):
    """One row: the last event's number and hash. Locking it serialises appends.

    ``prev_hash`` is the hash before the last event's: it lets PostgreSQL advance the head
    and hand back both hashes in one statement.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_head")]

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditDigest(models.Model):
    """The signed digest taken each day (UTC) and emailed to the safeguarding leads. This copy
    only keeps the digest from being taken twice in a day: the anchor is the emailed copy,
    outside the database (``digest.py``)."""

    day = models.DateField(unique=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    text = models.TextField()
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"digest of {self.day}: #{self.seq}"
