"""The append-only, hash-chained audit log: one chain per organisation.

Each event's ``hash`` is SHA-256 over a canonical encoding of its fields and the previous
hash in its chain, so editing, deleting, reordering or moving any event breaks its chain
(``verify``). Each organisation has its own chain, and events that belong to no organisation
one of their own (``SYSTEM_CHAIN``), so that appends in one organisation never wait for
another's. The application refuses updates and deletes here; database triggers refuse them
too (migrations 0002, 0004, 0006), and ``AuditChainHead`` remembers each chain's last event so
that a removed tail shows.

The log written before chains were per organisation is kept exactly as it was, as the closed
legacy segment (``LegacyAuditEvent``, ``LegacyChainHead``): see docs/audit.md.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, ClassVar, NoReturn

from django.db import models

from .actions import AuditAction

GENESIS_HASH = "0" * 64
ENCODING_VERSION = 2
LEGACY_ENCODING_VERSION = 1  # the legacy segment: one chain, no chain column
SYSTEM_CHAIN = 0  # the chain of events that belong to no organisation

# The stored columns the hash covers, in the order of the canonical encoding.
CHAINED_COLUMNS = (
    "chain",
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


def chain_of(organisation_id: int | None) -> int:
    """The chain an event of this organisation (or of none) is appended to."""
    return SYSTEM_CHAIN if organisation_id is None else organisation_id


def encode_fields(
    chain: int | None,
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
    """The canonical encoding, given the time already as ``utc_timestamp`` writes it: the one
    function that both ``record`` and ``verify`` hash.

    It is the compact JSON array (UTF-8, non-ASCII unescaped) of the encoding version and
    the ``CHAINED_COLUMNS`` in order, written out directly: ``verify`` runs this for every
    event, and it is several times faster than ``json.dumps`` while giving the same bytes.
    ``chain`` None is the legacy segment's encoding (version 1), which had no chain column.
    """
    head = (
        f"[{LEGACY_ENCODING_VERSION},"
        if chain is None
        else f"[{ENCODING_VERSION},{_number(chain)},"
    )
    return (
        f"{head}{_number(seq)},{_string(timestamp)},"
        f"{_number(organisation_id)},{_number(actor_id)},"
        f"{_string(actor_label)},{_string(action)},{_string(object_type)},{_string(object_id)},"
        f"{_string(reason)},{_string(data)},{_string(prev_hash)}]"
    ).encode()


def encode_row(row: tuple[Any, ...] | list[Any]) -> bytes:
    """The canonical encoding of one row of ``CHAINED_COLUMNS`` (the time as a datetime)."""
    chain, seq, occurred_at, *rest = row
    return encode_fields(chain, seq, utc_timestamp(occurred_at), *rest)


def row_hash(row: tuple[Any, ...] | list[Any]) -> str:
    return hashlib.sha256(encode_row(row)).hexdigest()


def canonical_encoding(
    *,
    chain: int | None,
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
            chain,
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


class AuditEventQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")


class _EventFields(models.Model):
    """What every event holds, in the chains and in the legacy segment alike."""

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

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True

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


class AuditEvent(_EventFields):
    """One event of one chain. ``id`` orders the whole log as it was appended (it is not
    chained); ``seq`` is the event's place in its chain: 1, 2, 3, ... with no gaps."""

    id = models.BigAutoField(primary_key=True)
    chain = models.BigIntegerField()  # the organisation's id, or SYSTEM_CHAIN
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "audit_event"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
            models.UniqueConstraint(fields=["chain", "prev_hash"], name="audit_event_chain_prev"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row per chain: its last event's number and hash. Appending to a chain locks its
    row, and no other: organisations never wait for each other.

    ``prev_hash`` is the hash before the last event's.
    """

    chain = models.BigIntegerField(primary_key=True)  # the organisation's id, or SYSTEM_CHAIN
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        db_table = "audit_chain_head"

    def __str__(self) -> str:
        return f"head of chain {self.chain}: #{self.seq}"


class LegacyAuditEvent(_EventFields):
    """The log as it was written before each organisation had its own chain: one chain for
    everyone, numbered by ``seq``, hashed with encoding version 1. It is closed: nothing is
    appended to it any more, and it is verified as it was written (docs/audit.md)."""

    seq = models.BigIntegerField(primary_key=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "audit_auditevent"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_audit_object__0e78a5_idx")
        ]

    def __str__(self) -> str:
        return f"legacy #{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def chain_fields(self) -> dict[str, Any]:
        return {"chain": None, **{column: getattr(self, column) for column in CHAINED_COLUMNS[1:]}}


class LegacyChainHead(models.Model):
    """The legacy segment's head: its last event's number and hash, as they were when each
    organisation was given a chain of its own. It no longer moves."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        db_table = "audit_auditchainhead"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_head")]

    def __str__(self) -> str:
        return f"legacy head #{self.seq}"


class AuditDigest(models.Model):
    """The signed digest of one chain taken each day (UTC) and emailed to the safeguarding
    leads. This copy only keeps the digest from being taken twice in a day: the anchor is the
    emailed copy, outside the database (``digest.py``). ``chain`` is None for the digests
    taken before each organisation had a chain of its own: they are of the legacy segment."""

    day = models.DateField()
    chain = models.BigIntegerField(null=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    text = models.TextField()
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "chain"]
        constraints = [
            models.UniqueConstraint(fields=["day", "chain"], name="audit_digest_one_a_day")
        ]

    def __str__(self) -> str:
        return f"digest of {self.day}, chain {self.chain}: #{self.seq}"
