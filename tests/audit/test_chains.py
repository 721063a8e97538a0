"""One chain per organisation: each its own head and numbering, tampering found per chain,
appends in one organisation never waiting for another's, and the log written before kept as
the closed legacy segment."""

import io
import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, OperationalError, connection, connections, transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.digest import Digest, digest_key, take_digest
from chaperon.audit.models import (
    CHAINED_COLUMNS,
    GENESIS_HASH,
    SYSTEM_CHAIN,
    AuditChainHead,
    AuditEvent,
    LegacyAuditEvent,
    LegacyChainHead,
    row_hash,
)
from chaperon.audit.services import record
from chaperon.audit.verify import verify_chain
from tests.audit.conftest import record_events, tamper
from tests.conftest import Cast

pytestmark = pytest.mark.clause("LOG-2")


def run_verify(*args: str) -> tuple[int, str]:
    stdout = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=stdout, stderr=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0), stdout.getvalue()
    return 0, stdout.getvalue()


def three_chains() -> None:
    """Organisations 7 and 8 and the system writing in turn: 6, 6 and 3 events."""
    for number in range(6):
        record_events(1, organisation_id=7)
        record_events(1, organisation_id=8)
        if number % 2:
            record(action=AuditAction.SIGN_IN_FAILED, actor_label=f"unknown{number}@example.org")


def test_each_organisation_has_its_own_chain_and_head(db: None) -> None:
    three_chains()

    for chain, length in ((7, 6), (8, 6), (SYSTEM_CHAIN, 3)):
        events = list(AuditEvent.objects.filter(chain=chain).order_by("seq"))
        assert [event.seq for event in events] == list(range(1, length + 1))
        assert events[0].prev_hash == GENESIS_HASH
        for previous, event in itertools.pairwise(events):
            assert event.prev_hash == previous.hash
        assert all(event.hash == event.compute_hash() for event in events)
        head = AuditChainHead.objects.get(chain=chain)
        assert (head.seq, head.hash, head.prev_hash) == (length, events[-1].hash, events[-2].hash)
    assert set(AuditEvent.objects.values_list("organisation_id", "chain")) == {
        (7, 7),
        (8, 8),
        (None, SYSTEM_CHAIN),
    }
    assert run_verify() == (0, "ok: 15 events in 3 chains\n")


def _move_to_chain_7(forge: bool) -> Callable[[], list[Any]]:
    """Organisation 8's last event moved onto the end of organisation 7's chain, its link
    (and, ``forge``, its hash) made to fit there."""

    def statements() -> list[Any]:
        last_of_7 = AuditEvent.objects.get(chain=7, seq=6)
        moved = AuditEvent.objects.get(chain=8, seq=6)
        fields = dict(moved.chain_fields(), chain=7, seq=7, prev_hash=last_of_7.hash)
        hash_ = row_hash([fields[column] for column in CHAINED_COLUMNS]) if forge else moved.hash
        return [
            (
                "UPDATE audit_event SET chain = 7, seq = 7, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [last_of_7.hash, hash_, moved.id],
            ),
            ("UPDATE audit_chain_head SET seq = 7, hash = %s WHERE chain = 7", [hash_]),
            (
                "UPDATE audit_chain_head SET seq = 5, hash = %s WHERE chain = 8",
                [AuditEvent.objects.get(chain=8, seq=5).hash],
            ),
        ]

    return statements


TAMPERING_IN_ONE_CHAIN = {
    "edit": (
        lambda: ["UPDATE audit_event SET reason = 'none' WHERE chain = 8 AND seq = 3"],
        "organisation 8: event #3: contents do not match its hash",
    ),
    "delete": (
        lambda: ["DELETE FROM audit_event WHERE chain = 8 AND seq = 3"],
        "organisation 8: event #3: missing (the next event is #4)",
    ),
    "reorder": (
        lambda: [
            "UPDATE audit_event SET seq = -3 WHERE chain = 8 AND seq = 3",
            "UPDATE audit_event SET seq = 3 WHERE chain = 8 AND seq = 4",
            "UPDATE audit_event SET seq = 4 WHERE chain = 8 AND seq = -3",
        ],
        "organisation 8: event #3: does not follow event #2 (chain broken)",
    ),
    "removed tail": (
        lambda: ["DELETE FROM audit_event WHERE chain = 8 AND seq >= 5"],
        "organisation 8: event #5: missing; the chain head records 6 events",
    ),
    "removed tail of the system chain": (
        lambda: ["DELETE FROM audit_event WHERE chain = 0 AND seq = 3"],
        "system chain: event #3: missing; the chain head records 3 events",
    ),
    "moved to another chain": (
        _move_to_chain_7(forge=False),
        "organisation 7: event #7: belongs to organisation 8",
    ),
    "moved to another chain and rehashed": (
        _move_to_chain_7(forge=True),
        "organisation 7: event #7: belongs to organisation 8",
    ),
    "organisation changed": (
        lambda: [
            (
                "UPDATE audit_event SET organisation_id = 8 WHERE chain = 7 AND seq = 2",
                None,
            )
        ],
        "organisation 7: event #2: belongs to organisation 8",
    ),
}


@pytest.mark.parametrize(
    ("statements", "expected"), TAMPERING_IN_ONE_CHAIN.values(), ids=TAMPERING_IN_ONE_CHAIN.keys()
)
def test_tampering_is_found_in_its_chain_and_the_others_still_verify(
    db: None, statements: Callable[[], list[Any]], expected: str
) -> None:
    three_chains()

    tamper(*statements())

    assert run_verify() == (1, f"broken: {expected}\n")
    broken = expected.split(":")[0]
    argument = {"organisation 7": "7", "organisation 8": "8", "system chain": "system"}
    assert run_verify("--organisation", argument[broken]) == (1, f"broken: {expected}\n")
    for name in set(argument) - {broken}:
        # The other chains still verify (organisation 8's too after a move, since its head
        # was moved back with it: only a digest shows that).
        assert run_verify("--organisation", argument[name])[1].startswith("ok: "), name


def test_one_organisation_is_verified_by_id_slug_or_system(cast: Cast) -> None:
    organisation = cast.organisation
    record_events(4, organisation_id=organisation.pk)
    record(action=AuditAction.SIGN_IN_FAILED, actor_label="unknown@example.org")
    events = AuditEvent.objects.filter(chain=organisation.pk).count()
    system = AuditEvent.objects.filter(chain=SYSTEM_CHAIN).count()

    expected = (0, f"ok: organisation {organisation.pk}: {events} events\n")
    assert run_verify("--organisation", str(organisation.pk)) == expected
    assert run_verify("--organisation", organisation.slug) == expected
    assert run_verify("--organisation", "system") == (0, f"ok: system chain: {system} events\n")
    with pytest.raises(CommandError, match="no organisation has the slug 'nowhere'"):
        call_command("audit", "verify", "--organisation", "nowhere")


# The legacy segment -------------------------------------------------------------------------

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _legacy_rows(count: int) -> list[list[Any]]:
    """A log as it was written before chains were per organisation: one chain for everyone,
    encoding version 1. Each row its columns from ``seq`` to ``hash``."""
    rows, prev_hash = [], GENESIS_HASH
    for seq in range(1, count + 1):
        row: list[Any] = [
            None,  # no chain: version 1
            seq,
            START + timedelta(seconds=seq),
            7 if seq % 2 else 8,
            None,
            f"staff{seq}@harbour-view.example",
            "learner_viewed",
            "people.learner",
            str(seq),
            "",
            f'{{"n":{seq}}}',
            prev_hash,
        ]
        prev_hash = row_hash(row)
        rows.append([*row[1:], prev_hash])
    return rows


def write_legacy_segment(count: int) -> list[list[Any]]:
    """The legacy segment put in place as the migration leaves it."""
    rows = _legacy_rows(count)
    columns = ", ".join([*CHAINED_COLUMNS[1:], "hash"])
    placeholders = ", ".join(["%s"] * len(rows[0]))
    with legacy_open(), connection.cursor() as cursor:
        for row in rows:
            stored = [row[0], connection.ops.adapt_datetimefield_value(row[1]), *row[2:]]
            cursor.execute(
                f"INSERT INTO audit_auditevent ({columns}) VALUES ({placeholders})",  # noqa: S608
                stored,
            )
    LegacyChainHead.objects.create(id=1, seq=count, hash=rows[-1][-1], prev_hash=rows[-2][-1])
    return rows


class legacy_open:
    """The legacy segment's triggers off for a moment, as only a database owner could."""

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                return
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
            )
            self.triggers = cursor.fetchall()
            for name, _ in self.triggers:
                cursor.execute(f"DROP TRIGGER {name}")

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                return
            for _, sql in self.triggers:
                cursor.execute(sql)


def test_the_legacy_segment_verifies_as_it_was_written_beside_the_new_chains(db: None) -> None:
    write_legacy_segment(5)
    three_chains()

    assert run_verify() == (0, "ok: 20 events in 4 chains\n")
    # New events never go to the legacy segment: each organisation's chain starts afresh.
    assert AuditEvent.objects.get(chain=7, seq=1).prev_hash == GENESIS_HASH
    assert LegacyAuditEvent.objects.count() == 5


def test_tampering_with_the_legacy_segment_is_found(db: None) -> None:
    write_legacy_segment(5)
    three_chains()

    with legacy_open(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET organisation_id = 8 WHERE seq = 3")

    assert run_verify() == (1, "broken: legacy segment: event #3: contents do not match its hash\n")
    assert run_verify("--organisation", "7")[0] == 0


def test_the_legacy_segment_is_closed_to_inserts(db: None) -> None:
    rows = write_legacy_segment(3)
    before = list(LegacyAuditEvent.objects.values_list())
    # The very event that would follow: still refused.
    row: list[Any] = [None, 4, START, 7, None, "x@example.org", "sign_in", "", "", "", ""]
    row.append(rows[-1][-1])
    hash_ = row_hash(row)
    columns = ", ".join([*CHAINED_COLUMNS[1:], "hash"])
    stored = [4, connection.ops.adapt_datetimefield_value(START), *row[3:], hash_]

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO audit_auditevent ({columns}) VALUES ({', '.join(['%s'] * 12)})",  # noqa: S608
            stored,
        )

    assert list(LegacyAuditEvent.objects.values_list()) == before


def test_a_digest_taken_before_chains_still_checks_against_the_legacy_segment(
    db: None,
) -> None:
    rows = write_legacy_segment(4)
    key = digest_key()
    # As ``take_digest`` made it before: no chain line, signed as version 1.
    unsigned = Digest(
        installation="https://chaperon.school.example",
        taken="2026-03-02T06:00:04Z",
        events=4,
        head=rows[-1][-1],
        key=key.key_id,
    )
    old = Digest(**{**unsigned.__dict__, "signature": key.private.sign(unsigned.signed_text())})
    assert b"chaperon audit digest v1" in old.signed_text()
    assert "chain:" not in old.text()
    record_events(2)

    status, out = run_verify("--digest", old.text())

    assert (status, out) == (
        0,
        "ok: 6 events in 2 chains; legacy segment: event #4 still matches the digest of "
        "2026-03-02T06:00:04Z\n",
    )
    legacy_digest = take_digest(key, chain=None)
    assert (legacy_digest.chain, legacy_digest.events) == ("legacy", 4)


# Locking: one organisation's head only ----------------------------------------------------


def _in_thread(work: Callable[[], Any]) -> Any:
    """``work`` on a connection of its own, in a thread; its result or its exception."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _append_with_lock_timeout(organisation_id: int, timeout: str) -> AuditEvent:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
        return record(action=AuditAction.SIGN_IN, organisation_id=organisation_id)


@pytest.mark.django_db(transaction=True)
def test_an_organisation_appends_while_another_organisations_head_is_locked() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; PostgreSQL locks rows")
    record_events(1, organisation_id=1)
    record_events(1, organisation_id=2)

    with transaction.atomic():
        # Organisation 1's head stays locked until this transaction ends.
        held = record(action=AuditAction.STAFF_UPDATED, organisation_id=1)
        locked = list(AuditChainHead.objects.select_for_update().filter(chain=1).values_list("seq"))
        # Organisation 2 appends meanwhile: a wait would fail after 10 s instead of hanging.
        other = _in_thread(lambda: _append_with_lock_timeout(2, "10s"))
        # Organisation 1 cannot: its head is held.
        with pytest.raises(OperationalError, match="lock timeout"):
            _in_thread(lambda: _append_with_lock_timeout(1, "200ms"))

    assert locked == [(2,)]
    assert (held.chain, held.seq, other.chain, other.seq) == (1, 2, 2, 2)
    assert AuditChainHead.objects.get(chain=2).seq == 2
    result = verify_chain()
    assert (result.ok, result.events, result.chains) == (True, 4, 2)


# The migration ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_single_chain_verifiable_as_the_legacy_segment() -> None:
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    before, after = ("audit", "0005_audit_digest"), ("audit", "0006_chain_per_organisation")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        # The log as the single chain wrote it, its head included, under the old schema
        # (whose own triggers let each event in only after the last).
        rows = _legacy_rows(4)
        columns = ", ".join([*CHAINED_COLUMNS[1:], "hash"])
        with transaction.atomic(), connection.cursor() as cursor:
            for row in rows:
                stored = [row[0], connection.ops.adapt_datetimefield_value(row[1]), *row[2:]]
                cursor.execute(
                    f"INSERT INTO audit_auditevent ({columns}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * 12)})",
                    stored,
                )
            cursor.execute(
                "INSERT INTO audit_auditchainhead (id, seq, hash, prev_hash) VALUES (1, 4, %s, %s)",
                [rows[-1][-1], rows[-2][-1]],
            )
        stored_before = _legacy_table()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert after in MigrationRecorder(connection).applied_migrations()
    assert _legacy_table() == stored_before  # not a byte of the old log changed
    record_events(2)
    assert run_verify() == (0, "ok: 6 events in 2 chains\n")


def _legacy_table() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent ORDER BY seq")
        return list(cursor.fetchall())


# The walk: quickly in the order of appending, in chain order when anything is unusual ------


def test_an_intact_log_is_walked_once_in_the_order_it_was_appended(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chaperon.audit import verify

    three_chains()

    def ordered_walk(*args: Any) -> None:
        raise AssertionError("an intact log needs no second walk")

    monkeypatch.setattr(verify._Walk, "walk", ordered_walk)
    result = verify.verify_chain(organisation=7)

    assert (result.ok, result.events, result.chains) == (True, 6, 1)


def test_events_stored_out_of_the_order_of_appending_still_verify(db: None) -> None:
    (first,) = record_events(1)
    columns = ", ".join(["id", *CHAINED_COLUMNS, "hash"])
    fields = dict(first.chain_fields(), seq=2, prev_hash=first.hash, reason="second")
    row = [fields[column] for column in CHAINED_COLUMNS]
    stored = [*row[:2], connection.ops.adapt_datetimefield_value(row[2]), *row[3:], row_hash(row)]
    with transaction.atomic(), connection.cursor() as cursor:
        # The chain's second event, with an id before its first's: as if copied in.
        cursor.execute(
            f"INSERT INTO audit_event ({columns}) VALUES ({', '.join(['%s'] * 14)})",  # noqa: S608
            [first.id - 100, *stored],
        )
        cursor.execute(
            "UPDATE audit_chain_head SET seq = 2, hash = %s WHERE chain = 7", [row_hash(row)]
        )

    assert run_verify() == (0, "ok: 2 events in 1 chain\n")
