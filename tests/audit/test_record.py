import hashlib
import itertools
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditEvent,
    canonical_encoding,
    encode_fields,
    utc_timestamp,
    utc_timestamp_from_text,
)
from chaperon.audit.services import record
from chaperon.audit.verify import verify_chain
from tests.audit.conftest import record_events
from tests.conftest import Cast

pytestmark = pytest.mark.clause("LOG-2")


def test_each_event_is_chained_to_the_one_before(db: None) -> None:
    events = record_events(4)

    stored = list(AuditEvent.objects.order_by("seq"))
    assert [event.seq for event in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(stored):
        assert event.prev_hash == previous.hash
    for event in stored:
        assert event.hash == hashlib.sha256(canonical_encoding(**event.chain_fields())).hexdigest()
    assert [(event.seq, event.prev_hash, event.hash) for event in events] == [
        (event.seq, event.prev_hash, event.hash) for event in stored
    ]
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash, head.prev_hash) == (4, stored[3].hash, stored[2].hash)


def test_the_returned_event_is_what_was_stored(db: None) -> None:
    event = record(
        action=AuditAction.LEARNER_VIEWED,
        organisation_id=3,
        actor_label="dana@harbour-view.example",
        reason="safeguarding review",
        data={"fields": ["date_of_birth"], "learner": 12},
    )

    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.chain_fields() == event.chain_fields()
    assert stored.hash == event.hash
    assert stored.details == {"fields": ["date_of_birth"], "learner": 12}
    assert stored.data == '{"fields":["date_of_birth"],"learner":12}'
    assert stored.action_label == "Learner record viewed"
    assert event._state.adding is False


def test_actor_object_and_organisation_come_from_the_arguments(cast: Cast) -> None:
    event = record(action=AuditAction.LEARNER_VIEWED, actor=cast.teacher, obj=cast.learner)

    assert event.organisation_id == cast.organisation.pk
    assert event.actor_id == cast.teacher.pk
    assert event.actor_label == cast.teacher.get_username()
    assert (event.object_type, event.object_id) == ("people.learner", str(cast.learner.pk))


def test_the_organisation_is_the_objects_not_the_actors(cast: Cast) -> None:
    event = record(action=AuditAction.LEARNER_VIEWED, actor=cast.outsider, obj=cast.learner)

    assert event.organisation_id == cast.organisation.pk != cast.outsider.organisation_id


def test_an_event_about_an_organisation_belongs_to_it(cast: Cast) -> None:
    event = record(action=AuditAction.ORGANISATION_UPDATED, actor=cast.admin, obj=cast.organisation)

    assert event.organisation_id == cast.organisation.pk


def test_without_an_object_the_organisation_is_the_actors(cast: Cast) -> None:
    event = record(action=AuditAction.SIGN_OUT, actor=cast.teacher)

    assert event.organisation_id == cast.organisation.pk
    assert (event.object_type, event.object_id) == ("", "")


def test_an_explicit_organisation_wins(cast: Cast) -> None:
    event = record(
        action=AuditAction.LEARNER_VIEWED,
        actor=cast.dsl,
        obj=cast.learner,
        organisation_id=cast.other_organisation.pk,
    )

    assert event.organisation_id == cast.other_organisation.pk


def test_without_an_actor_the_system_is_named(db: None) -> None:
    event = record(action=AuditAction.PEOPLE_IMPORTED)

    assert (event.actor_id, event.actor_label) == (None, "system")


def test_an_unknown_action_is_refused_and_nothing_is_written(db: None) -> None:
    record_events(2)

    with pytest.raises(ValueError, match="not_an_action"):
        record(action="not_an_action")  # type: ignore[arg-type]

    assert AuditEvent.objects.count() == 2
    assert AuditChainHead.objects.get().seq == 2


def test_a_rolled_back_change_takes_its_event_and_the_head_with_it(db: None) -> None:
    record_events(2)
    head_before = AuditChainHead.objects.values_list("seq", "hash").get()

    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=AuditAction.STAFF_UPDATED, actor_label="dana@harbour-view.example")
        raise RuntimeError("the change failed after its event was recorded")

    assert AuditEvent.objects.count() == 2
    assert AuditChainHead.objects.values_list("seq", "hash").get() == head_before
    record_events(1)
    assert verify_chain().ok


def test_an_emptied_database_starts_a_new_chain(db: None) -> None:
    record_events(2)
    emptying = (
        ["TRUNCATE audit_event, audit_chain_head"]
        if connection.vendor == "postgresql"
        else ["DELETE FROM audit_event", "DELETE FROM audit_chain_head"]
    )
    with connection.cursor() as cursor:  # as a test runner's flush empties every table
        for sql in emptying:
            cursor.execute(sql)

    event = record(action=AuditAction.SIGN_IN, actor_label="robin@harbour-view.example")

    assert (event.seq, event.prev_hash) == (1, GENESIS_HASH)
    assert AuditChainHead.objects.get().seq == 1
    assert verify_chain().ok


def test_times_are_encoded_in_utc_with_microseconds() -> None:
    london_summer = datetime(2026, 7, 1, 10, 30, tzinfo=ZoneInfo("Europe/London"))

    assert utc_timestamp(london_summer) == "2026-07-01T09:30:00.000000+00:00"
    assert utc_timestamp(datetime(2026, 7, 1, 9, 30, 0, 250)) == "2026-07-01T09:30:00.000250+00:00"


@pytest.mark.parametrize(
    ("stored", "canonical"),
    [
        ("2026-07-01 09:30:00.000250", "2026-07-01T09:30:00.000250+00:00"),  # SQLite
        ("2026-07-01 09:30:00.00025", "2026-07-01T09:30:00.000250+00:00"),  # PostgreSQL
        ("2026-07-01 09:30:00", "2026-07-01T09:30:00.000000+00:00"),
    ],
)
def test_times_read_back_as_text_encode_the_same(stored: str, canonical: str) -> None:
    assert utc_timestamp_from_text(stored) == canonical


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_id = st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(
    chain=st.none() | st.integers(min_value=0, max_value=2**63 - 1),
    seq=st.integers(min_value=1, max_value=2**63 - 1),
    organisation_id=_id,
    actor_id=_id,
    texts=st.lists(_text, min_size=7, max_size=7),
)
def test_the_encoding_is_compact_json(
    chain: int | None, seq: int, organisation_id: int | None, actor_id: int | None, texts: list[str]
) -> None:
    timestamp = "2026-03-29T00:59:59.999999+00:00"
    label, action, object_type, object_id, reason, data, prev_hash = texts
    fields = [seq, timestamp, organisation_id, actor_id, *texts]

    # Version 2 names the chain; the legacy segment's version 1 had none.
    version = [1] if chain is None else [2, chain]
    expected = json.dumps([*version, *fields], ensure_ascii=False, separators=(",", ":")).encode()
    assert expected == encode_fields(
        chain,
        seq,
        timestamp,
        organisation_id,
        actor_id,
        label,
        action,
        object_type,
        object_id,
        reason,
        data,
        prev_hash,
    )


def test_awkward_text_is_chained_exactly(db: None) -> None:
    awkward = 'Zoë "Z" O\'Neill \\ tab\there\nnew line \x01 \u2028 \U0001f600 100%s %(x)s'

    event = record(
        action=AuditAction.SIGN_IN_FAILED,
        actor_label=awkward,
        reason=awkward,
        data={"typed": awkward, "attempt": 3},
    )

    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.actor_label, stored.reason) == (awkward, awkward)
    assert stored.details == {"typed": awkward, "attempt": 3}
    assert stored.hash == stored.compute_hash() == event.hash
    assert verify_chain().ok


def test_a_label_too_long_to_store_is_cut_before_it_is_hashed(db: None) -> None:
    typed = "someone@" + "x" * 400 + ".example"

    event = record(action=AuditAction.SIGN_IN_FAILED, actor_label=typed)

    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.actor_label == typed[:254] == event.actor_label
    assert stored.hash == stored.compute_hash()
    assert verify_chain().ok
