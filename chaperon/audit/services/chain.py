"""Append to the audit log. Every service that changes state calls ``record`` in its transaction."""

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
    chain_of,
    row_hash,
)

# The organisation model, named rather than imported: audit sits below every other app.
ORGANISATION_MODEL = "people.organisation"

# The columns ``record`` fills itself; the chain supplies the rest.
_OWN_COLUMNS = CHAINED_COLUMNS[2:-1]
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


@cache
def _statements() -> tuple[str, str, str, str]:
    """(lock and advance the chain's head, create a missing head, set the head's hashes,
    insert the event); on PostgreSQL the last two are one statement, one round trip fewer
    ("" for the third).

    The first statement locks the chain's head row, and only that row, until the
    surrounding transaction ends (on SQLite the transaction already holds the write lock:
    it begins IMMEDIATE). Writers to one chain queue there, and each sees the head as the
    writer before it left it, so a chain cannot fork; writers to other chains do not wait.
    """
    head = connection.ops.quote_name(AuditChainHead._meta.db_table)
    event = connection.ops.quote_name(AuditEvent._meta.db_table)
    placeholders = ", ".join(["%s"] * (len(CHAINED_COLUMNS) + 1))
    set_hashes = f"UPDATE {head} SET prev_hash = %s, hash = %s WHERE chain = %s"  # noqa: S608
    insert = (
        f"INSERT INTO {event} ({_quoted([*CHAINED_COLUMNS, 'hash'])}) "  # noqa: S608
        f"VALUES ({placeholders}) RETURNING id"
    )
    if connection.vendor == "postgresql":
        return (
            f"UPDATE {head} SET seq = seq + 1 WHERE chain = %s RETURNING seq, hash",  # noqa: S608
            f"INSERT INTO {head} (chain, seq, hash, prev_hash) VALUES (%s, 0, %s, %s) "  # noqa: S608
            "ON CONFLICT (chain) DO NOTHING",
            "",
            f"WITH moved AS ({set_hashes}) {insert}",
        )
    return (
        f"UPDATE {head} SET seq = seq + 1 WHERE chain = %s RETURNING seq, hash",  # noqa: S608
        f"INSERT INTO {head} (chain, seq, hash, prev_hash) VALUES (%s, 0, %s, %s) "  # noqa: S608
        "ON CONFLICT (chain) DO NOTHING",
        set_hashes,
        insert,
    )


def _lock_and_advance(cursor: Any, chain: int) -> tuple[int, str]:
    """Lock the chain's head and move it on by one: (the new event's seq, its prev_hash).
    A chain's first event makes its head, whoever gets there first."""
    advance, create, _, _ = _statements()
    cursor.execute(advance, [chain])
    head = cursor.fetchone()
    if head is None:
        cursor.execute(create, [chain, GENESIS_HASH, GENESIS_HASH])
        cursor.execute(advance, [chain])
        head = cursor.fetchone()
    if head is None:
        raise RuntimeError(f"the head of audit chain {chain} could not be created")
    return int(head[0]), str(head[1])


def _append(chain: int, row: list[Any]) -> tuple[int, int, str, str]:
    """Chain ``row`` (the values of ``_OWN_COLUMNS``) to the chain's head and insert it,
    inside the caller's transaction. Returns (id, seq, prev_hash, hash)."""
    _, _, set_hashes, insert = _statements()
    with connection.cursor() as cursor:
        seq, prev_hash = _lock_and_advance(cursor, chain)
        new_hash = row_hash([chain, seq, *row, prev_hash])
        stored = [chain, seq, connection.ops.adapt_datetimefield_value(row[0]), *row[1:]]
        if set_hashes:
            cursor.execute(set_hashes, [prev_hash, new_hash, chain])
            cursor.execute(insert, [*stored, prev_hash, new_hash])
        else:  # one statement: the head's hashes set as the event goes in
            cursor.execute(insert, [prev_hash, new_hash, chain, *stored, prev_hash, new_hash])
        (event_id,) = cursor.fetchone()
    return int(event_id), seq, prev_hash, new_hash


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
    """Append one event to its organisation's chain (or, with no organisation, to the system
    chain), after that chain's last. Call it inside the transaction of the change.

    ``organisation_id`` defaults to the object's organisation (the object itself if it is
    an organisation), or else the actor's. ``data`` holds small JSON-able facts (ids,
    changed field names); no free-text personal data. Appends to one chain queue on its
    head until the surrounding transaction ends, so record the event as the last write.

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
        chain=chain_of(organisation_id),
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
        event.id, event.seq, event.prev_hash, event.hash = _append(
            event.chain, [getattr(event, column) for column in _OWN_COLUMNS]
        )
    event._state.adding = False
    event._state.db = connection.alias
    return event
