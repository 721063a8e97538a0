"""Destruction (REC-1, REC-7, LOG-2) and holds (INC-4): recordings past their retention date
are destroyed by the periodic task; withdrawal of consent to recording destroys at once every
recording the learner is in; a hold placed by the DSL keeps a recording as evidence; releasing
it destroys what is due. Every step is audited; guardians are told, with the certificate."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.consent import services as consent
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.scheduling import registered
from chaperon.recordings import tasks
from chaperon.recordings.models import (
    DataKey,
    DestructionCertificate,
    LegalHold,
    Recording,
    RecordingStatus,
)
from chaperon.recordings.services import recording_hold_place, recording_hold_release
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for

from .helpers import make_recording, media

pytestmark = [pytest.mark.django_db, pytest.mark.clause("REC-7"), pytest.mark.clause("INC-4")]


def _actions(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _expire(recording: Recording) -> None:
    Recording.objects.filter(pk=recording.pk).update(
        retain_until=timezone.now() - timedelta(minutes=1)
    )


def _give_recording_consent(cast: Cast, callbacks) -> None:
    with callbacks(execute=True):
        consent_for(cast.learner, cast.dsl, purposes=["live_group"], recording=True)


def _withdraw(cast: Cast, callbacks) -> None:
    with callbacks(execute=True):
        consent.consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["recording"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="No longer want Robin recorded",
            guardian_id=cast.guardian.pk,
        )


def _hold(cast: Cast, recording: Recording) -> LegalHold:
    return recording_hold_place(
        actor=cast.dsl,
        recording_id=recording.pk,
        case_reference=public_concern(cast.organisation).reference,
        reason="Evidence of what was said in the lesson",
    )


def _to_guardian(cast: Cast) -> list[mail.EmailMessage]:
    """What the recordings app told the guardian (the consent app writes to them as well)."""
    return [
        message
        for message in mail.outbox
        if message.to == [cast.guardian.email] and message.subject.startswith("Recordings of")
    ]


@pytest.mark.clause("REC-1")
def test_retention_destroys_on_time_and_not_before(
    cast: Cast, vault_dir: Path, django_capture_on_commit_callbacks
) -> None:
    recording = make_recording(cast, tracks=[media(5000)])
    names = {periodic.name for periodic in registered()}
    assert tasks.destroy_expired_recordings_task.module_path in names
    assert tasks.destroy_expired_recordings_task.call() == 0  # not yet due
    assert DataKey.objects.filter(recording=recording).exists()
    _expire(recording)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.destroy_expired_recordings_task.call() == 1
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DESTROYED and recording.destroyed_at
    assert not DataKey.objects.filter(recording=recording).exists()
    assert not (vault_dir / recording.uuid.hex).exists()
    certificate = DestructionCertificate.objects.get(recording=recording)
    assert certificate.trigger == "retention" and certificate.destroyed_by is None
    assert len(certificate.ciphertext_sha256) == 64 and certificate.ciphertext_bytes == 5000 + 28
    [destroyed] = _actions(AuditAction.RECORDING_DESTROYED)
    assert destroyed.object_id == str(recording.pk)
    assert destroyed.details["ciphertext_sha256"] == certificate.ciphertext_sha256
    assert (certificate.audit_seq, certificate.audit_hash) == (destroyed.seq, destroyed.hash)
    assert tasks.destroy_expired_recordings_task.call() == 0  # run again: nothing more
    # Retention alone tells nobody by email; the certificate is on the recordings page.
    assert mail.outbox == []
    page = signed_in(cast.dsl).get("/recordings/").content.decode()
    assert certificate.token in page


def test_a_hold_keeps_a_recording_past_its_retention_date(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    recording = make_recording(cast, tracks=[media(5000)])
    hold = _hold(cast, recording)
    [placed] = _actions(AuditAction.RECORDING_HOLD_PLACED)
    assert placed.details == {"recording": recording.pk, "case_reference": "SG-2026-0001"}
    _expire(recording)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.destroy_expired_recordings_task.call() == 0
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE
    assert DataKey.objects.filter(recording=recording).exists()
    # Releasing it queues the destruction that was due, and it happens.
    with django_capture_on_commit_callbacks(execute=True):
        recording_hold_release(actor=cast.deputy, hold_id=hold.pk, reason="Case closed")
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DESTROYED
    assert [e.details["trigger"] for e in _actions(AuditAction.RECORDING_DESTRUCTION_QUEUED)] == [
        "retention"
    ]
    assert len(_actions(AuditAction.RECORDING_HOLD_RELEASED)) == 1
    assert DestructionCertificate.objects.get().trigger == "retention"


def test_withdrawal_destroys_every_recording_of_the_learner_at_once(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _give_recording_consent(cast, django_capture_on_commit_callbacks)
    first = make_recording(cast, tracks=[media(3000)])
    second = make_recording(cast, tracks=[media(4000)])
    someone_else = factories.learner(cast.organisation, first_name="Ash", last_name="Reed")
    other = make_recording(cast, tracks=[media(100)], learner=someone_else)
    mail.outbox.clear()
    _withdraw(cast, django_capture_on_commit_callbacks)
    statuses = dict(Recording.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "destroyed", second.pk: "destroyed", other.pk: "complete"}
    certificates = DestructionCertificate.objects.order_by("pk")
    assert [c.trigger for c in certificates] == ["withdrawal", "withdrawal"]
    assert [e.reason for e in _actions(AuditAction.RECORDING_DESTROYED)] == [
        "Consent to recording was withdrawn"
    ] * 2
    [told] = _to_guardian(cast)
    assert told.subject == "Recordings of Robin: destroyed"
    for certificate in certificates:
        assert f"/recordings/certificates/{certificate.token}/" in told.body
    # The link shows the certificate to the guardian, who does not sign in.
    page = Client().get(f"/recordings/certificates/{certificates[0].token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        certificates[0].ciphertext_sha256 in body and "Consent to recording was withdrawn" in body
    )
    assert Client().get("/recordings/certificates/not-a-token/").status_code == 404


def test_withdrawal_of_something_else_destroys_nothing(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _give_recording_consent(cast, django_capture_on_commit_callbacks)
    recording = make_recording(cast, tracks=[media(100)])
    with django_capture_on_commit_callbacks(execute=True):
        consent.consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["live_group"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="No more live groups",
        )
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE
    assert not _actions(AuditAction.RECORDING_DESTROYED)


def test_a_held_recording_survives_withdrawal_until_released_and_the_guardian_is_told(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _give_recording_consent(cast, django_capture_on_commit_callbacks)
    held = make_recording(cast, tracks=[media(3000)])
    free = make_recording(cast, tracks=[media(3000)])
    hold = _hold(cast, held)
    mail.outbox.clear()
    _withdraw(cast, django_capture_on_commit_callbacks)
    held.refresh_from_db()
    free.refresh_from_db()
    assert (held.status, free.status) == ("complete", "destroyed")
    assert held.destruction_pending == "Consent to recording was withdrawn"
    [withheld] = _actions(AuditAction.RECORDING_DESTRUCTION_WITHHELD)
    assert withheld.object_id == str(held.pk) and withheld.details["learner"] == cast.learner.pk
    [told] = _to_guardian(cast)
    assert "Destroyed securely: 1 recording" in told.body
    assert "Kept for now: 1 recording" in told.body and "evidence" in told.body
    assert "SG-2026-0001" not in told.body and "what was said" not in told.body
    # The DSL sees it waiting on the recordings page.
    page = signed_in(cast.dsl).get("/recordings/").content.decode()
    assert "SG-2026-0001" in page and "Yes: Consent to recording was withdrawn" in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.dsl).post(
            f"/recordings/holds/{hold.pk}/release/", {"reason": "The police have finished"}
        )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == "destroyed"
    assert DestructionCertificate.objects.get(recording=held).trigger == "withdrawal"
    [told] = _to_guardian(cast)
    assert "Destroyed securely: 1 recording" in told.body and "Kept for now" not in told.body
    [released] = _actions(AuditAction.RECORDING_HOLD_RELEASED)
    assert released.reason == "The police have finished"


def test_releasing_a_hold_destroys_nothing_when_consent_was_given_again(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _give_recording_consent(cast, django_capture_on_commit_callbacks)
    recording = make_recording(cast, tracks=[media(3000)])
    hold = _hold(cast, recording)
    _withdraw(cast, django_capture_on_commit_callbacks)
    _give_recording_consent(cast, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        recording_hold_release(actor=cast.dsl, hold_id=hold.pk, reason="Case closed")
    recording.refresh_from_db()
    assert recording.status == "complete" and recording.destruction_pending == ""
    assert not _actions(AuditAction.RECORDING_DESTRUCTION_QUEUED)


def test_two_holds_both_must_be_released(cast: Cast, django_capture_on_commit_callbacks) -> None:
    recording = make_recording(cast, tracks=[media(10)])
    first = _hold(cast, recording)
    second = _hold(cast, recording)
    _expire(recording)
    with django_capture_on_commit_callbacks(execute=True):
        recording_hold_release(actor=cast.dsl, hold_id=first.pk, reason="Case closed")
    assert Recording.objects.get(pk=recording.pk).status == "complete"
    with django_capture_on_commit_callbacks(execute=True):
        recording_hold_release(actor=cast.dsl, hold_id=second.pk, reason="Case closed")
    assert Recording.objects.get(pk=recording.pk).status == "destroyed"


@pytest.mark.parametrize("name", ["slt", "teacher", "admin", "board", "outsider"])
def test_only_the_dsl_and_deputies_hold_or_release(cast: Cast, name: str) -> None:
    recording = make_recording(cast, tracks=[media(10)])
    hold = _hold(cast, recording)
    before = AuditEvent.objects.count()
    # A DSL elsewhere holds their own organisation's recordings: this one is "not found".
    refusal = NotFound if name == "outsider" else PermissionDenied
    with pytest.raises(refusal):
        recording_hold_place(
            actor=cast.user(name), recording_id=recording.pk, case_reference="SG-1", reason="x"
        )
    with pytest.raises(refusal):
        recording_hold_release(actor=cast.user(name), hold_id=hold.pk, reason="Case closed")
    response = signed_in(cast.user(name)).post(
        f"/recordings/{recording.pk}/hold/",
        {"hold-case_reference": "SG-2", "hold-reason": "Evidence"},
    )
    assert response.status_code in {403, 404}
    assert LegalHold.objects.count() == 1 and LegalHold.objects.get().active
    assert AuditEvent.objects.count() == before


def test_a_hold_names_its_case(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(10)])
    with pytest.raises(ValidationFailed) as refused:
        recording_hold_place(
            actor=cast.dsl, recording_id=recording.pk, case_reference=" ", reason=""
        )
    assert set(refused.value.errors) == {"case_reference", "reason"}
    case = public_concern(cast.organisation)
    response = signed_in(cast.deputy).post(
        f"/recordings/{recording.pk}/hold/",
        {"hold-case_reference": case.reference, "hold-reason": "Needed by the police"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.case_reference, hold.placed_by) == (case.reference, cast.deputy)


@pytest.mark.clause("INC-4")
def test_a_hold_must_name_a_concern_of_the_organisation(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(10)])
    elsewhere = public_concern(cast.other_organisation)
    before = AuditEvent.objects.count()
    for reference in ("SG-2026-9999", elsewhere.reference):
        with pytest.raises(ValidationFailed) as refused:
            recording_hold_place(
                actor=cast.dsl, recording_id=recording.pk, case_reference=reference, reason="x"
            )
        assert refused.value.errors["case_reference"] == (
            f"there is no concern {reference} here: copy the reference from the concern's page"
        )
    assert not LegalHold.objects.exists()
    assert AuditEvent.objects.count() == before


def test_withdrawal_delivered_twice_does_nothing_more(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    from chaperon.consent.events import ConsentWithdrawn
    from chaperon.recordings.services import destroy_for_withdrawn_consent

    recording = make_recording(cast, tracks=[media(10)])
    _hold(cast, recording)
    event = ConsentWithdrawn(
        organisation_id=cast.organisation.pk,
        learner_id=cast.learner.pk,
        purposes=("recording",),
        consent_ids=(1,),
    )
    destroy_for_withdrawn_consent(event)
    destroy_for_withdrawn_consent(event)
    assert len(_actions(AuditAction.RECORDING_DESTRUCTION_WITHHELD)) == 1
