"""Evidence is kept from the moment a concern is raised (INC-3, INC-4, REC-7): a concern raised
from a session holds that session's recordings, and one about a learner holds every recording
the learner appears in, in the same transaction as the concern; a withdrawal of consent that
follows keeps them, and the guardian is told they are kept as evidence and why."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.models import Concern, EntryKind
from chaperon.consent import services as consent
from chaperon.core.actors import SYSTEM
from chaperon.recordings.models import LegalHold, RecordingStatus
from chaperon.recordings.services import recording_destroy, recording_hold_release
from tests import factories
from tests.conftest import Cast, signed_in
from tests.consent.helpers import (
    agree_to_all_but,
    answer_token,
    form_data,
    manage_token,
    send_request,
)
from tests.recordings.helpers import make_recording, media
from tests.sessions.helpers import consent_for

from .helpers import public_concern

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clause("INC-3"),
    pytest.mark.clause("INC-4"),
    pytest.mark.clause("REC-7"),
]


def _raise_from_session(cast: Cast, session) -> Concern:
    return services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        session=session,
        description="Robin said an adult online asked to meet up after the lesson.",
    )


def _withdraw_recording(cast: Cast, callbacks) -> None:
    with callbacks(execute=True):
        consent.consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["recording"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="We no longer want Robin recorded",
            guardian_id=cast.guardian.pk,
        )


def test_a_concern_raised_from_a_session_holds_its_recordings_at_once(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(3000)])
    other = make_recording(cast, tracks=[media(3000)], learner=factories.learner(cast.organisation))
    concern = _raise_from_session(cast, recording.session)
    [hold] = LegalHold.objects.filter(recording=recording)
    assert hold.active and hold.case_reference == concern.reference
    assert hold.placed_by is None and hold.placed_by_name.startswith("Chaperon")
    assert not LegalHold.objects.filter(recording=other).exists()
    [placed] = AuditEvent.objects.filter(action=AuditAction.RECORDING_HOLD_PLACED)
    assert placed.actor_id == cast.teacher.pk and placed.details["automatic"] is True
    entry = concern.entries.get(kind=EntryKind.EVIDENCE_HELD)
    assert entry.data == {"recordings": 1}
    # The recording's page shows the hold instead of its ordinary destruction date.
    page = signed_in(cast.dsl).get(f"/recordings/{recording.pk}/").content.decode()
    assert f"Held for {concern.reference}" in page
    assert "Held as evidence: kept until the hold is released" in page


def test_a_concern_about_a_learner_holds_every_recording_they_appear_in(cast: Cast) -> None:
    first = make_recording(cast, tracks=[media(2000)])
    second = make_recording(cast, tracks=[media(2000)])
    someone_else = make_recording(
        cast, tracks=[media(2000)], learner=factories.learner(cast.organisation)
    )
    destroyed = make_recording(cast, tracks=[media(2000)])
    recording_destroy(recording_id=destroyed.pk, trigger="retention", reason="test", actor=SYSTEM)
    concern = services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        learner=cast.learner,
        description="Robin has been very withdrawn since the online club.",
    )
    held = set(LegalHold.objects.values_list("recording_id", flat=True))
    assert held == {first.pk, second.pk}
    assert someone_else.pk not in held and destroyed.pk not in held
    assert concern.entries.get(kind=EntryKind.EVIDENCE_HELD).data == {"recordings": 2}


def test_linking_the_learner_later_holds_their_recordings(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(2000)])
    concern = public_concern(cast.organisation)
    assert not LegalHold.objects.exists()
    services.concern_change(
        actor=cast.dsl, concern=concern, reason="It is about Robin", learner=cast.learner
    )
    [hold] = LegalHold.objects.all()
    assert hold.recording_id == recording.pk and hold.case_reference == concern.reference


def test_a_concern_without_session_or_learner_holds_nothing(cast: Cast) -> None:
    make_recording(cast, tracks=[media(2000)])
    concern = public_concern(cast.organisation)
    assert not LegalHold.objects.exists()
    assert not concern.entries.filter(kind=EntryKind.EVIDENCE_HELD).exists()


def test_a_raise_that_fails_holds_nothing(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(2000)])
    with pytest.raises(Exception, match="description"):
        services.concern_raise(
            actor=cast.teacher,
            organisation=cast.organisation,
            session=recording.session,
            description="short",
        )
    assert not LegalHold.objects.exists() and not Concern.objects.exists()


@pytest.mark.clause("REC-8")
def test_a_withdrawal_after_the_concern_keeps_the_recording_and_tells_the_guardian(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        consent_for(cast.learner, cast.dsl, purposes=["live_group"], recording=True)
    recording = make_recording(cast, tracks=[media(3000)])
    concern = _raise_from_session(cast, recording.session)
    mail.outbox.clear()
    _withdraw_recording(cast, django_capture_on_commit_callbacks)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE
    assert recording.destruction_pending == "Consent to recording was withdrawn"
    to_guardian = [m for m in mail.outbox if m.to == [cast.guardian.email]]
    confirmation = next(m for m in to_guardian if m.subject.startswith("Consent withdrawn"))
    assert "1 recording in which Robin appears is not destroyed yet" in confirmation.body
    assert "evidence must be preserved while it is looked into" in confirmation.body
    outcome = next(m for m in to_guardian if m.subject.startswith("Recordings of"))
    assert "Kept for now: 1 recording" in outcome.body
    for message in to_guardian:
        assert concern.reference not in message.body and "meet up" not in message.body

    # Released by the DSL: destroyed then, as the withdrawal asked.
    hold = LegalHold.objects.get(recording=recording)
    with django_capture_on_commit_callbacks(execute=True):
        recording_hold_release(actor=cast.dsl, hold_id=hold.pk, reason="Police have a copy")
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DESTROYED


def _someone_waits_for_a_lock() -> bool:
    """Whether another connection to this database is waiting for a row lock now."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)  # polling a condition, bounded by the deadline
    return False


def _in_thread(target, *args) -> tuple[threading.Thread, dict[str, object]]:
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = target(*args)
        except BaseException as error:
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_destruction_waiting_on_a_concern_being_raised_finds_the_hold(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write transaction")
    recording = make_recording(cast, tracks=[media(2000)])
    placed, proceed = threading.Event(), threading.Event()

    def raise_and_wait() -> None:
        with transaction.atomic():
            _raise_from_session(cast, recording.session)
            placed.set()
            proceed.wait(timeout=60)

    raising, raised = _in_thread(raise_and_wait)
    assert placed.wait(timeout=60)
    destroying, destroyed = _in_thread(
        lambda: recording_destroy(
            recording_id=recording.pk, trigger="withdrawal", reason="test", actor=SYSTEM
        )
    )
    assert _someone_waits_for_a_lock()  # the destruction waits for the concern to commit
    proceed.set()
    for thread in (raising, destroying):
        thread.join(timeout=120)
    assert "error" not in raised and "error" not in destroyed
    assert destroyed["result"] is None  # held: nothing destroyed
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE
    assert LegalHold.objects.filter(recording=recording, released_at__isnull=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concern_waiting_on_a_destruction_holds_nothing_destroyed(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write transaction")
    recording = make_recording(cast, tracks=[media(2000)])
    done, proceed = threading.Event(), threading.Event()

    def destroy_and_wait() -> None:
        with transaction.atomic():
            recording_destroy(
                recording_id=recording.pk, trigger="withdrawal", reason="test", actor=SYSTEM
            )
            done.set()
            proceed.wait(timeout=60)

    destroying, destroyed = _in_thread(destroy_and_wait)
    assert done.wait(timeout=60)
    raising, raised = _in_thread(_raise_from_session, cast, recording.session)
    assert _someone_waits_for_a_lock()  # the concern waits for the destruction to commit
    proceed.set()
    for thread in (destroying, raising):
        thread.join(timeout=120)
    assert "error" not in raised and "error" not in destroyed
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DESTROYED
    assert not LegalHold.objects.filter(recording=recording).exists()
    assert Concern.objects.count() == 1


@pytest.mark.clause("REC-8")
def test_the_withdrawal_page_tells_the_guardian_a_recording_is_kept_as_evidence(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/consent/r/{answer_token(consent_request)}/", form_data(agree_to_all_but()))
    manage = f"/consent/m/{manage_token(consent_request)}/"
    recording = make_recording(cast, tracks=[media(1000)])
    _raise_from_session(cast, recording.session)
    guardian = Client()
    form = guardian.get(manage).context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = guardian.post(
            f"{manage}withdraw/",
            {
                "purposes": ["recording"],
                "signed_name": "Morgan Alder",
                "reason": "We would rather not",
                "expected_latest": form["expected_latest"].value(),
            },
            follow=True,
        )
    page = response.content.decode()
    assert "Consent withdrawn, with immediate effect" in page
    assert "1 recording in which Robin appears is not destroyed yet: kept as evidence" in page
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE


def test_nothing_kept_says_nothing_about_evidence(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/consent/r/{answer_token(consent_request)}/", form_data(agree_to_all_but()))
    manage = f"/consent/m/{manage_token(consent_request)}/"
    recording = make_recording(cast, tracks=[media(1000)])
    guardian = Client()
    form = guardian.get(manage).context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = guardian.post(
            f"{manage}withdraw/",
            {
                "purposes": ["recording"],
                "signed_name": "Morgan Alder",
                "reason": "",
                "expected_latest": form["expected_latest"].value(),
            },
            follow=True,
        )
    assert "kept as evidence" not in response.content.decode()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DESTROYED
