"""Walk the whole chain and say whether it is intact."""

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from .models import (
    CHAINED_COLUMNS,
    GENESIS_HASH,
    AuditChainHead,
    AuditEvent,
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


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    problem: str = ""
    bad_seq: int | None = None  # the first event that does not hold


@dataclass(frozen=True)
class _Head:
    seq: int
    hash: str


def _read_head() -> _Head:
    row = AuditChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    return _Head(*row) if row else _Head(0, GENESIS_HASH)


@contextmanager
def _streamed_rows(batch_size: int) -> Iterator[Iterator[Sequence[Sequence[Any]]]]:
    """Batches of every event's chained columns and hash, in order."""
    quote = connection.ops.quote_name
    as_text = _TIMESTAMP_TEXT_SQL.get(connection.vendor)
    columns = [
        (as_text or quote(column)) if column == "occurred_at" else quote(column)
        for column in CHAINED_COLUMNS
    ]
    sql = (
        f"SELECT {', '.join(columns)}, hash "  # noqa: S608
        f"FROM {quote(AuditEvent._meta.db_table)} ORDER BY seq"
    )
    # PostgreSQL streams a server-side cursor only inside a transaction (outside one it
    # would first copy the whole result). On SQLite a transaction would take the write lock,
    # and one statement already reads one snapshot.
    in_transaction = transaction.atomic() if connection.vendor == "postgresql" else nullcontext()
    with in_transaction, connection.chunked_cursor() as cursor:
        cursor.execute(sql)

        def batches() -> Iterator[Sequence[Sequence[Any]]]:
            while rows := cursor.fetchmany(batch_size):
                yield rows

        yield batches()


def _bad(count: int, seq: int, problem: str) -> Verification:
    return Verification(False, count, f"event #{seq}: {problem}", seq)


def verify_chain(
    batch_size: int = 5_000, *, progress: Callable[[int], None] | None = None
) -> Verification:
    """Recompute every hash in order; the first event that does not hold is named.

    The chain head is read before and after the walk, so that appends made meanwhile are
    not mistaken for damage while a removed tail still is. ``progress`` is called with the
    number of events checked so far after each batch.
    """
    head_before = _read_head()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    hash_at_head = GENESIS_HASH
    sha256 = hashlib.sha256
    canonical_time = (
        utc_timestamp_from_text if connection.vendor in _TIMESTAMP_TEXT_SQL else utc_timestamp
    )
    with _streamed_rows(batch_size) as batches:
        for rows in batches:
            for (
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
                if seq != expected_seq:
                    count = expected_seq - 1
                    if seq > expected_seq:
                        return _bad(count, expected_seq, f"missing (the next event is #{seq})")
                    return _bad(count, seq, f"out of place (expected event #{expected_seq})")
                if prev_hash != expected_prev:
                    return _bad(seq - 1, seq, f"does not follow event #{seq - 1} (chain broken)")
                encoded = encode_fields(
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
                    return _bad(seq - 1, seq, "contents do not match its hash")
                if seq == head_before.seq:
                    hash_at_head = stored_hash
                expected_prev = stored_hash
                expected_seq += 1
            if progress is not None:
                progress(expected_seq - 1)
    return _against_head(expected_seq - 1, expected_prev, hash_at_head, head_before)


def _against_head(
    count: int, last_hash: str, hash_at_head: str, head_before: _Head
) -> Verification:
    """Compare the walked chain with the head read before it and with the head now."""
    if count < head_before.seq:
        return _bad(count, count + 1, f"missing; the chain head records {head_before.seq} events")
    if hash_at_head != head_before.hash:
        return _bad(count, head_before.seq, "does not match the chain head")
    head_after = _read_head()
    if count > head_after.seq:
        return _bad(
            count,
            head_after.seq + 1,
            f"not recorded by the chain head, which ends at event #{head_after.seq}",
        )
    if count == head_after.seq and last_hash != head_after.hash:
        return _bad(count, count, "does not match the chain head")
    return Verification(True, count)
