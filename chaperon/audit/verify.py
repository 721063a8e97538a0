"""Walk the chains and say whether they are intact: every organisation's, the system chain and
the closed legacy segment, or one organisation's."""

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from .models import (
    CHAINED_COLUMNS,
    GENESIS_HASH,
    SYSTEM_CHAIN,
    AuditChainHead,
    AuditEvent,
    LegacyAuditEvent,
    LegacyChainHead,
    chain_of,
    encode_fields,
    utc_timestamp,
    utc_timestamp_from_text,
)

# The event's time as text in UTC: parsing a datetime per row and formatting it again
# would cost a third of the walk. Django stores it as such text on SQLite.
_TIMESTAMP_TEXT_SQL = {
    "postgresql": "(occurred_at AT TIME ZONE 'UTC')::text",
    "sqlite": "CAST(occurred_at AS TEXT)",  # no declared type: no datetime converter
}

LEGACY = None  # the legacy segment's chain: it had none


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    problem: str = ""
    bad_seq: int | None = None  # the first event that does not hold
    chains: int = 0
    bad_chain: int | None = None  # its chain (None: the legacy segment, or none)


@dataclass(frozen=True)
class _Head:
    seq: int
    hash: str


_NO_HEAD = _Head(0, GENESIS_HASH)


def chain_name(chain: int | None) -> str:
    """How a chain is named in what ``verify`` says."""
    if chain is LEGACY:
        return "legacy segment"
    if chain == SYSTEM_CHAIN:
        return "system chain"
    return f"organisation {chain}"


def _read_heads(chain: int | None) -> dict[int, _Head]:
    heads = AuditChainHead.objects.all()
    if chain is not None:
        heads = heads.filter(chain=chain)
    return {key: _Head(seq, hash_) for key, seq, hash_ in heads.values_list("chain", "seq", "hash")}


def _read_legacy_head() -> _Head | None:
    row = LegacyChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    return _Head(*row) if row else None


def _read_head_now(chain: int | None) -> _Head:
    if chain is LEGACY:
        return _read_legacy_head() or _NO_HEAD
    return _read_heads(chain).get(chain, _NO_HEAD)


@contextmanager
def _streamed_rows(
    model: type[models.Model], chain: int | None, batch_size: int, *, by_id: bool = False
) -> Iterator[Iterator[Sequence[Sequence[Any]]]]:
    """Batches of the table's events, each its chained columns and hash, chain by chain in
    order of ``seq`` (the legacy table, which has no chain, giving NULL for it); ``by_id``, in
    the order they were appended instead."""
    quote = connection.ops.quote_name
    as_text = _TIMESTAMP_TEXT_SQL.get(connection.vendor)
    legacy = model is LegacyAuditEvent

    def column_sql(column: str) -> str:
        if column == "occurred_at" and as_text:
            return as_text
        if column == "chain" and legacy:
            return "NULL"
        return quote(column)

    columns = ", ".join(column_sql(column) for column in CHAINED_COLUMNS)
    where, params = ("", []) if chain is None else ("WHERE chain = %s ", [chain])
    order = "seq" if legacy else "id" if by_id else "chain, seq"
    sql = f"SELECT {columns}, hash FROM {quote(model._meta.db_table)} {where}ORDER BY {order}"  # noqa: S608
    # PostgreSQL streams a server-side cursor only inside a transaction (outside one it
    # would first copy the whole result). On SQLite a transaction would take the write lock,
    # and one statement already reads one snapshot.
    in_transaction = transaction.atomic() if connection.vendor == "postgresql" else nullcontext()
    with in_transaction, connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)

        def batches() -> Iterator[Sequence[Sequence[Any]]]:
            while rows := cursor.fetchmany(batch_size):
                yield rows

        yield batches()


class _Broken(Exception):
    def __init__(self, chain: int | None, seq: int, problem: str) -> None:
        super().__init__(problem)
        self.chain, self.seq, self.problem = chain, seq, problem


class _Unordered(Exception):
    """The quick walk met something out of the ordinary: walk again in order, to name it."""


class _Walk:
    """The walk over one table: each chain's events in order, each chain compared with its
    head when it ends. Raises ``_Broken`` at the first event that does not hold."""

    def __init__(self, heads: dict[Any, _Head], progress: Callable[[int], None] | None) -> None:
        self.heads_before = heads
        self.progress = progress
        self.events = 0
        self.chains = 0
        self.canonical_time = (
            utc_timestamp_from_text if connection.vendor in _TIMESTAMP_TEXT_SQL else utc_timestamp
        )

    def walk(self, model: type[models.Model], chain: int | None, batch_size: int) -> None:
        walked: set[Any] = set()
        sha256 = hashlib.sha256
        canonical_time = self.canonical_time
        legacy = model is LegacyAuditEvent
        with _streamed_rows(model, chain, batch_size) as batches:
            # The loop is written out in full: verify runs it for every event of the log.
            current: Any = object()  # no chain yet
            expected_seq, expected_prev, hash_at_head = 1, GENESIS_HASH, GENESIS_HASH
            head = _NO_HEAD
            for rows in batches:
                for (
                    event_chain,
                    seq,
                    timestamp,
                    organisation_id,
                    actor_id,
                    actor_label,
                    action,
                    object_type,
                    object_id,
                    reason,
                    data,
                    prev_hash,
                    stored_hash,
                ) in rows:
                    if event_chain != current:
                        if walked:
                            self._end_chain(current, expected_seq - 1, expected_prev, hash_at_head)
                        current = event_chain
                        walked.add(current)
                        head = self.heads_before.get(current, _NO_HEAD)
                        expected_seq, expected_prev, hash_at_head = 1, GENESIS_HASH, GENESIS_HASH
                    if seq != expected_seq or prev_hash != expected_prev:
                        _out_of_place(event_chain, seq, expected_seq)
                    if not legacy and event_chain != (
                        SYSTEM_CHAIN if organisation_id is None else organisation_id
                    ):
                        where = chain_name(chain_of(organisation_id))
                        raise _Broken(event_chain, seq, f"belongs to {where}")
                    encoded = encode_fields(
                        event_chain,
                        seq,
                        canonical_time(timestamp),
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
                    if sha256(encoded).hexdigest() != stored_hash:
                        raise _Broken(event_chain, seq, "contents do not match its hash")
                    if expected_seq == head.seq:
                        hash_at_head = stored_hash
                    expected_prev = stored_hash
                    expected_seq += 1
                self.events += len(rows)
                if self.progress is not None:
                    self.progress(self.events)
            if walked:
                self._end_chain(current, expected_seq - 1, expected_prev, hash_at_head)
        for unwalked in sorted(set(self.heads_before) - walked, key=_order):
            if self.heads_before[unwalked].seq:  # a head with no events left at all
                self._end_chain(unwalked, 0, GENESIS_HASH, GENESIS_HASH)

    def walk_quickly(self, chain: int | None, batch_size: int) -> None:
        """The chains' events in the order they were appended, each chain's place kept in a
        dictionary: within a chain that is the order of ``seq`` (an append takes its chain's
        lock before it inserts), and reading the table in its own order is cheaper than
        through the chains' index. At the first thing out of the ordinary, ``_Unordered``:
        the caller walks again chain by chain, which names it exactly."""
        sha256 = hashlib.sha256
        canonical_time = self.canonical_time
        heads = self.heads_before
        # Per chain: [next seq, expected prev_hash, hash at the head read before]
        places: dict[int, list[Any]] = {}
        with _streamed_rows(AuditEvent, chain, batch_size, by_id=True) as batches:
            for rows in batches:
                for (
                    event_chain,
                    seq,
                    timestamp,
                    organisation_id,
                    actor_id,
                    actor_label,
                    action,
                    object_type,
                    object_id,
                    reason,
                    data,
                    prev_hash,
                    stored_hash,
                ) in rows:
                    place = places.get(event_chain)
                    if place is None:
                        place = places[event_chain] = [1, GENESIS_HASH, GENESIS_HASH]
                    if (
                        seq != place[0]
                        or prev_hash != place[1]
                        or event_chain
                        != (SYSTEM_CHAIN if organisation_id is None else organisation_id)
                    ):
                        raise _Unordered
                    encoded = encode_fields(
                        event_chain,
                        seq,
                        canonical_time(timestamp),
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
                    if sha256(encoded).hexdigest() != stored_hash:
                        raise _Unordered
                    if seq == heads.get(event_chain, _NO_HEAD).seq:
                        place[2] = stored_hash
                    place[0] = seq + 1
                    place[1] = stored_hash
                self.events += len(rows)
                if self.progress is not None:
                    self.progress(self.events)
        for walked in sorted(places):
            next_seq, last_hash, hash_at_head = places[walked]
            self._end_chain(walked, next_seq - 1, last_hash, hash_at_head)
        for unwalked in sorted(set(heads) - set(places)):
            if heads[unwalked].seq:  # a head with no events left at all
                self._end_chain(unwalked, 0, GENESIS_HASH, GENESIS_HASH)

    def _end_chain(self, chain: Any, count: int, last_hash: str, hash_at_head: str) -> None:
        """Compare the walked chain with its head read before the walk and, if the chain
        has grown since, with its head now: appends made meanwhile are not damage, a removed
        tail is."""
        self.chains += 1
        before = self.heads_before.get(chain, _NO_HEAD)
        if count < before.seq:
            raise _Broken(chain, count + 1, f"missing; the chain head records {before.seq} events")
        if hash_at_head != before.hash:
            raise _Broken(chain, before.seq, "does not match the chain head")
        if count == before.seq:
            return
        after = _read_head_now(chain)
        if count > after.seq:
            raise _Broken(
                chain,
                after.seq + 1,
                f"not recorded by the chain head, which ends at event #{after.seq}",
            )
        if count == after.seq and last_hash != after.hash:
            raise _Broken(chain, count, "does not match the chain head")


def _out_of_place(chain: int | None, seq: Any, expected_seq: int) -> None:
    """Raise for an event that is not where its chain's next event should be."""
    if seq == expected_seq:
        raise _Broken(chain, seq, f"does not follow event #{seq - 1} (chain broken)")
    if type(seq) is int and seq > expected_seq:
        raise _Broken(chain, expected_seq, f"missing (the next event is #{seq})")
    raise _Broken(chain, seq, f"out of place (expected event #{expected_seq})")


def _order(chain: Any) -> tuple[int, int]:
    return (0, 0) if chain is LEGACY else (1, chain)


def verify_chain(
    batch_size: int = 5_000,
    *,
    progress: Callable[[int], None] | None = None,
    organisation: int | None = None,
) -> Verification:
    """Recompute every hash in order, chain by chain; the first event that does not hold is
    named. Every chain and the legacy segment, or only ``organisation``'s chain (give
    ``SYSTEM_CHAIN`` for the system's).

    Each chain's head is read before the walk, and again after it for a chain that has
    grown meanwhile, so that appends made during the walk are not mistaken for damage while
    a removed tail still is. ``progress`` is called with the number of events checked so
    far after each batch.
    """
    walk = _Walk({}, progress)
    try:
        if organisation is None:
            legacy_head = _read_legacy_head()
            walk.heads_before = {LEGACY: legacy_head} if legacy_head else {}
            walk.walk(LegacyAuditEvent, None, batch_size)
        walk.heads_before = _read_heads(organisation)
        events, chains = walk.events, walk.chains
        try:
            walk.walk_quickly(organisation, batch_size)
        except _Unordered:
            walk.events, walk.chains = events, chains
            walk.walk(AuditEvent, organisation, batch_size)
    except _Broken as broken:
        problem = f"{chain_name(broken.chain)}: event #{broken.seq}: {broken.problem}"
        return Verification(False, walk.events, problem, broken.seq, walk.chains, broken.chain)
    return Verification(True, walk.events, chains=walk.chains)
