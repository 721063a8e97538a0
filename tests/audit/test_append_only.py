from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from chaperon.audit.models import AppendOnlyError, AuditEvent
from chaperon.audit.verify import verify_chain
from tests.audit.conftest import record_events

pytestmark = pytest.mark.clause("LOG-2")


def _snapshot() -> list[tuple[Any, ...]]:
    return list(AuditEvent.objects.order_by("seq").values_list())


def _change_one_event() -> None:
    event = AuditEvent.objects.get(seq=2)
    event.reason = "nothing happened"
    event.save()


def _save_a_copy_over_it() -> None:
    event = AuditEvent.objects.get(seq=2)
    event._state.adding = True  # as if new, to slip past the update check
    event.reason = "nothing happened"
    event.save()


def _bulk_update() -> None:
    event = AuditEvent.objects.get(seq=2)
    event.reason = "nothing happened"
    AuditEvent.objects.bulk_update([event], ["reason"])


REFUSED_IN_THE_APP: dict[str, Callable[[], object]] = {
    "save after change": _change_one_event,
    "save over an existing event": _save_a_copy_over_it,
    "queryset update": lambda: AuditEvent.objects.filter(seq=2).update(reason="nothing"),
    "bulk update": _bulk_update,
    "update_or_create": lambda: AuditEvent.objects.update_or_create(seq=2),
    "instance delete": lambda: AuditEvent.objects.get(seq=2).delete(),
    "queryset delete": lambda: AuditEvent.objects.filter(seq=2).delete(),
    "delete everything": lambda: AuditEvent.objects.all().delete(),
}


@pytest.mark.parametrize("attempt", REFUSED_IN_THE_APP.values(), ids=REFUSED_IN_THE_APP.keys())
def test_the_model_refuses_to_change_or_remove_events(
    db: None, attempt: Callable[[], object]
) -> None:
    record_events(3)
    before = _snapshot()

    with pytest.raises((AppendOnlyError, DatabaseError)), transaction.atomic():
        attempt()

    assert _snapshot() == before
    assert verify_chain().ok


RAW_CHANGES = {
    "update a middle event": "UPDATE audit_event SET reason = 'none' WHERE seq = 2",
    "update every event": "UPDATE audit_event SET organisation_id = 99",
    "renumber an event": "UPDATE audit_event SET seq = 100 WHERE seq = 3",
    "move an event to another chain": "UPDATE audit_event SET chain = 8 WHERE seq = 3",
    "delete a middle event": "DELETE FROM audit_event WHERE seq = 2",
    "delete the last event": "DELETE FROM audit_event WHERE seq = 3",
    "delete the newer events": "DELETE FROM audit_event WHERE seq > 1",
}


@pytest.mark.parametrize("sql", RAW_CHANGES.values(), ids=RAW_CHANGES.keys())
def test_the_database_refuses_raw_updates_and_deletes(db: None, sql: str) -> None:
    record_events(3)
    before = _snapshot()

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert _snapshot() == before
    assert verify_chain().ok


def test_on_postgresql_even_the_first_event_cannot_be_deleted(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's trigger; SQLite lets the oldest event go (next test)")
    record_events(3)
    before = _snapshot()

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_event WHERE seq = 1")

    assert _snapshot() == before


def test_on_sqlite_only_the_oldest_event_can_be_deleted_and_verify_names_it(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's trigger lets the table be emptied oldest first")
    record_events(3)

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq = 1")

    assert AuditEvent.objects.count() == 2
    assert verify_chain().problem == "organisation 7: event #1: missing (the next event is #2)"


def test_emptying_the_whole_log_is_caught_by_the_chain_head(db: None) -> None:
    # As a test runner's flush does: TRUNCATE on PostgreSQL, DELETE FROM on SQLite.
    record_events(3)
    emptying = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"

    with connection.cursor() as cursor:
        cursor.execute(f"{emptying} audit_event")

    assert not AuditEvent.objects.exists()
    result = verify_chain()
    assert not result.ok
    assert result.problem == "organisation 7: event #1: missing; the chain head records 3 events"
