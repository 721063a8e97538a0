"""Append to the audit log. Every service that changes state calls ``record`` in its transaction."""

import hashlib
import json
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from chaperon.core.actors import SYSTEM, Actor, PublicActor, SystemActor
from chaperon.core.service_log import logged

from ..actions import AuditAction
from ..models import (
    CHAINED_COLUMNS,
    GENESIS_HASH,
    AuditChainHead,
    AuditEvent,
    encode_row,
    encoding_around_chain,
)

# The organisation model, named rather than imported: audit sits below every other app.
ORGANISATION_MODEL = "people.organisation"

# The columns ``record`` fills itself; the database or the chain supplies the rest.
_OWN_COLUMNS = CHAINED_COLUMNS[1:-1]
# A label can come from what someone typed (a failed sign-in): keep what fits.
_LABEL_LENGTH = AuditEvent._meta.get_field("actor_label").max_length or 254


def _canonical_data(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _organisation_of(obj: models.Model | None, actor: Actor) -> int | None:
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and obj is not None and obj._meta.label_lower == ORGANISATION_MODEL:
        organisation_id = obj.pk
    if organisation_id is None:
        organisation_id = getattr(actor, "organisation_id", None)
    return organisation_id


def _object_type(obj: models.Model) -> str:
    """The object's model label. A model moved to another app names the label its events were
    first written under (its ``audit_object_type``), so that its history reads as one."""
    return getattr(obj, "audit_object_type", "") or obj._meta.label_lower


# Raw SQL below: ``record`` runs inside nearly every write in the product, and the ORM's
# per-row machinery (and each extra round trip) would cost more than the chain itself.


def _quoted(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def _cast_type(column: str) -> str:
    """The column's type for a parameter, without a length: a cast to varchar(n) would cut
    a longer value short silently, after it was hashed whole."""
    field = AuditEvent._meta.get_field(column)
    return "text" if field.get_internal_type() == "CharField" else str(field.db_type(connection))


@cache
def _postgresql_append() -> str:
    """One statement: advance the head, hashing in the database, and insert the event.

    Writers queue on the head row's lock; each then sees the head as the one before it left
    it, so the chain cannot fork. The hash is SHA-256 over the canonical encoding, put
    together from the text that ``encoding_around_chain`` made in Python.
    """
    head = connection.ops.quote_name(AuditChainHead._meta.db_table)
    event = connection.ops.quote_name(AuditEvent._meta.db_table)
    casts = ", ".join(f"CAST(%s AS {_cast_type(column)})" for column in _OWN_COLUMNS)
    return f"""
        WITH head AS (
            UPDATE {head} SET
                seq = seq + 1,
                prev_hash = hash,
                hash = encode(sha256(convert_to(
                    %s || (seq + 1)::text || %s || hash || %s, 'UTF8')), 'hex')
            WHERE id = 1
            RETURNING seq, prev_hash, hash
        )
        INSERT INTO {event} ({_quoted([*CHAINED_COLUMNS, "hash"])})
        SELECT head.seq, {casts}, head.prev_hash, head.hash FROM head
        RETURNING seq, prev_hash, hash
    """  # noqa: S608


@cache
def _generic_append() -> tuple[str, str, str]:
    """(advance the head, insert the event, set the head's hashes): the chain made in Python.

    On SQLite the transaction already holds the write lock (it begins IMMEDIATE); the first
    UPDATE takes it anyway, so a deferred transaction cannot read a head that moves."""
    head = connection.ops.quote_name(AuditChainHead._meta.db_table)
    event = connection.ops.quote_name(AuditEvent._meta.db_table)
    placeholders = ", ".join(["%s"] * (len(CHAINED_COLUMNS) + 1))
    return (
        f"UPDATE {head} SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",  # noqa: S608
        f"INSERT INTO {event} ({_quoted([*CHAINED_COLUMNS, 'hash'])}) VALUES ({placeholders})",  # noqa: S608
        f"UPDATE {head} SET prev_hash = %s, hash = %s WHERE id = 1",  # noqa: S608
    )


def _append_postgresql(cursor: Any, row: list[Any]) -> tuple[int, str, str] | None:
    before, between, after = encoding_around_chain(row)
    cursor.execute(_postgresql_append(), [before, between, after, *row])
    appended = cursor.fetchone()
    return None if appended is None else (int(appended[0]), appended[1], appended[2])


def _append_generic(cursor: Any, row: list[Any]) -> tuple[int, str, str] | None:
    advance, insert, set_hashes = _generic_append()
    cursor.execute(advance)
    head = cursor.fetchone()
    if head is None:
        return None
    seq, prev_hash = int(head[0]), str(head[1])
    new_hash = hashlib.sha256(encode_row([seq, *row, prev_hash])).hexdigest()
    stored = [seq, connection.ops.adapt_datetimefield_value(row[0]), *row[1:], prev_hash]
    cursor.execute(insert, [*stored, new_hash])
    cursor.execute(set_hashes, [prev_hash, new_hash])
    return seq, prev_hash, new_hash


def _append(row: list[Any]) -> tuple[int, str, str]:
    """Chain ``row`` (the values of ``_OWN_COLUMNS``) to the head and insert it, inside the
    caller's transaction. Returns (seq, prev_hash, hash)."""
    append = _append_postgresql if connection.vendor == "postgresql" else _append_generic
    with connection.cursor() as cursor:
        appended = append(cursor, row)
        if appended is None:
            # A fresh (or flushed) database: make the head once, whoever gets there first.
            table = connection.ops.quote_name(AuditChainHead._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} (id, seq, hash, prev_hash) VALUES (1, 0, %s, %s) "  # noqa: S608
                "ON CONFLICT (id) DO NOTHING",
                [GENESIS_HASH, GENESIS_HASH],
            )
            appended = append(cursor, row)
        if appended is None:
            raise RuntimeError("the audit chain head could not be created")
    return appended


@logged
def record(
    *,
    action: AuditAction,
    actor: Actor | None = SYSTEM,
    obj: models.Model | None = None,
    organisation_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event, chained to the last. Call it inside the transaction of the change.

    ``organisation_id`` defaults to the object's organisation (the object itself if it is
    an organisation), or else the actor's. ``data`` holds small JSON-able facts (ids,
    changed field names); no free-text personal data. Appends queue on the chain head
    until the surrounding transaction ends, so record the event as the last write.

    ``actor`` is a person, ``SYSTEM`` (by default) or ``PUBLIC``, with ``actor_label`` saying
    how a member of the public came (a public page, a personal link). ``None``, from callers
    not yet explicit, is the system.
    """
    if actor is None:
        actor = SYSTEM
    if organisation_id is None:
        organisation_id = _organisation_of(obj, actor)
    if isinstance(actor, SystemActor | PublicActor):
        actor_id, label = None, actor_label or actor.label
    else:
        actor_id, label = actor.pk, actor_label or actor.get_username()
    event = AuditEvent(
        occurred_at=timezone.now(),
        organisation_id=organisation_id,
        actor_id=actor_id,
        actor_label=label[:_LABEL_LENGTH],
        action=AuditAction(action).value,
        object_type=_object_type(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason,
        data=_canonical_data(data),
    )
    # No savepoint when nested: a failed append must fail the whole change anyway.
    with transaction.atomic(savepoint=False):
        event.seq, event.prev_hash, event.hash = _append(
            [getattr(event, column) for column in _OWN_COLUMNS]
        )
    event._state.adding = False
    event._state.db = connection.alias
    return event
