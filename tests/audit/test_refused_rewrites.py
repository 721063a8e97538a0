"""An insert cannot rewrite the log: SQLite's INSERT OR REPLACE (whose implicit delete fires no
trigger), PostgreSQL's INSERT ... ON CONFLICT DO UPDATE and TRUNCATE, and any insert that does
not follow the last event are refused by the database itself."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from chaperon.audit.models import CHAINED_COLUMNS, AuditChainHead, AuditEvent, chain_hash
from chaperon.audit.verify import verify_chain
from tests.audit.conftest import record_events, rewritten_from

pytestmark = pytest.mark.clause("LOG-2")

COLUMNS = ", ".join([*CHAINED_COLUMNS, "hash"])
PLACEHOLDERS = ", ".join(["%s"] * (len(CHAINED_COLUMNS) + 1))


def _snapshot() -> tuple[list[tuple[Any, ...]], tuple[int, str]]:
    events = list(AuditEvent.objects.order_by("seq").values_list())
    return events, AuditChainHead.objects.values_list("seq", "hash").get()


def _row(fields: dict[str, Any], hash_: str) -> list[Any]:
    stored = dict(
        fields, occurred_at=connection.ops.adapt_datetimefield_value(fields["occurred_at"])
    )
    return [*(stored[column] for column in CHAINED_COLUMNS), hash_]


def _forged_from(seq: int) -> list[list[Any]]:
    return [_row(fields, hash_) for fields, hash_ in rewritten_from(seq)]


def _run(sql: str, rows: list[list[Any]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            cursor.execute(sql, row)
        last = rows[-1]
        cursor.execute(
            "UPDATE audit_chain_head SET seq = %s, hash = %s WHERE chain = %s",
            [last[1], last[-1], last[0]],
        )


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution")


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_insert_or_replace_cannot_rewrite_events(db: None, verb: str) -> None:
    _sqlite_only()
    record_events(6)
    before = _snapshot()
    forged = _forged_from(3)

    with pytest.raises(DatabaseError, match="append-only"):
        _run(f"{verb} INTO audit_event ({COLUMNS}) VALUES ({PLACEHOLDERS})", forged)

    assert _snapshot() == before
    assert verify_chain().ok


def test_sqlite_replace_cannot_take_a_stored_events_rowid(db: None) -> None:
    _sqlite_only()
    record_events(4)
    before = _snapshot()
    last = AuditEvent.objects.get(seq=4)
    fields = dict(last.chain_fields(), seq=5, prev_hash=last.hash, reason="slipped in")
    row = _row(fields, chain_hash(**fields))

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # In the chain's place, but over the rowid of event 2: REPLACE would delete event 2.
        cursor.execute(
            f"INSERT OR REPLACE INTO audit_event (rowid, {COLUMNS}) "  # noqa: S608
            f"VALUES ((SELECT rowid FROM audit_event WHERE seq = 2), {PLACEHOLDERS})",
            row,
        )

    assert _snapshot() == before


def test_postgresql_on_conflict_do_update_cannot_rewrite_events(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's upsert")
    record_events(6)
    before = _snapshot()
    forged = _forged_from(3)
    update = ", ".join(f"{column} = EXCLUDED.{column}" for column in [*CHAINED_COLUMNS, "hash"])

    with pytest.raises(DatabaseError, match="append-only"):
        _run(
            f"INSERT INTO audit_event ({COLUMNS}) VALUES ({PLACEHOLDERS}) "  # noqa: S608
            f"ON CONFLICT (chain, seq) DO UPDATE SET {update}",
            forged,
        )

    assert _snapshot() == before
    assert verify_chain().ok


def test_postgresql_truncate_is_refused(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record_events(3)
    before = _snapshot()

    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test settings allow it for the runner's flush; a production session does not.
        cursor.execute("SET LOCAL chaperon.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE audit_event, audit_chain_head")

    assert _snapshot() == before


OUT_OF_CHAIN = {
    "after a gap": lambda last: {"seq": last.seq + 2, "prev_hash": last.hash},
    "beside the chain": lambda last: {"seq": last.seq + 1, "prev_hash": last.prev_hash},
    "over an event": lambda last: {"seq": last.seq, "prev_hash": last.prev_hash},
}


@pytest.mark.parametrize("place", OUT_OF_CHAIN.values(), ids=OUT_OF_CHAIN.keys())
def test_an_insert_that_does_not_follow_the_last_event_is_refused(db: None, place: Any) -> None:
    record_events(3)
    before = _snapshot()
    last = AuditEvent.objects.get(seq=3)
    fields = dict(last.chain_fields(), reason="slipped in", **place(last))

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO audit_event ({COLUMNS}) VALUES ({PLACEHOLDERS})",  # noqa: S608
            _row(fields, chain_hash(**fields)),
        )

    assert _snapshot() == before


def test_appends_still_follow_the_chain_after_the_oldest_events_go(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite lets the oldest event be deleted")
    record_events(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq = 1")

    (event,) = record_events(1)

    assert event.seq == 4
    assert verify_chain().problem == "organisation 7: event #1: missing (the next event is #2)"
