"""Withdrawal at any time, from the personal link or recorded by staff: it takes effect at
once, is announced after commit (sessions re-check, the learner's recordings are destroyed),
and the DSL and the guardian are told."""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import services
from chaperon.consent.events import ConsentChanged, ConsentWithdrawn
from chaperon.consent.models import Consent, ConsentEvidence, EvidenceKind
from chaperon.core import events
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.recordings.models import DestructionCertificate, Recording
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox
from tests.recordings.helpers import make_recording, media

from .helpers import (
    agree_to_all_but,
    answer_token,
    audit_since,
    body,
    form_data,
    last_seq,
    links_in,
    manage_token,
    send_request,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clause("REC-7")]


@pytest.fixture
def heard() -> Iterator[list[object]]:
    """Every consent event delivered, in order."""
    delivered: list[object] = []
    for kind in (ConsentWithdrawn, ConsentChanged):
        events.subscribe(kind, delivered.append)
    yield delivered
    for kind in (ConsentWithdrawn, ConsentChanged):
        events._subscribers[kind].remove(delivered.append)


def _all_given(cast: Cast, capture) -> str:
    """The guardian has agreed to everything; returns their access page path."""
    consent_request = send_request(cast.teacher, cast.learner)
    with capture(execute=True):
        Client().post(f"/consent/r/{answer_token(consent_request)}/", form_data(agree_to_all_but()))
    return f"/consent/m/{manage_token(consent_request)}/"


def _current() -> dict[str, str]:
    return dict(Consent.objects.filter(superseded_at__isnull=True).values_list("purpose", "answer"))


def test_a_guardian_withdraws_recording_from_their_link_with_every_consequence(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks, heard: list[object]
) -> None:
    manage = _all_given(cast, django_capture_on_commit_callbacks)
    given_recording = Consent.objects.get(purpose="recording")
    recording = make_recording(cast, tracks=[media(1000)])
    page = Client().get(manage)
    assert page.status_code == 200
    form = page.context["form"]
    heard.clear()
    smtp_server.messages.clear()
    since = last_seq()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = Client().post(
            f"{manage}withdraw/",
            {
                "purposes": ["recording"],
                "signed_name": "Morgan Alder",
                "reason": "We would rather not",
                "expected_latest": form["expected_latest"].value(),
            },
        )
        # Nothing happens elsewhere until the withdrawal has committed.
        assert heard == [] and not DestructionCertificate.objects.exists()
    assert response.status_code == 302
    for callback in callbacks:
        callback()

    # It took effect at once.
    assert _current()["recording"] == "withdrawn"
    assert _current()["live_group"] == "given"
    evidence = ConsentEvidence.objects.get(kind=EvidenceKind.WITHDRAWAL)
    [withdrawn] = Consent.objects.filter(evidence=evidence)
    assert withdrawn.answer == "withdrawn"
    given_recording.refresh_from_db()
    assert given_recording.superseded_at is not None

    # Other apps were told, after commit.
    assert heard == [
        ConsentChanged(organisation_id=cast.organisation.pk, learner_id=cast.learner.pk),
        ConsentWithdrawn(
            organisation_id=cast.organisation.pk,
            learner_id=cast.learner.pk,
            purposes=("recording",),
            consent_ids=(given_recording.pk,),
        ),
    ]
    destroyed = DestructionCertificate.objects.get()
    assert (destroyed.recording_id, destroyed.trigger) == (recording.pk, "withdrawal")

    # Every step is in the audit log, with who and why.
    [event] = audit_since(since, AuditAction.CONSENT_WITHDRAWN)
    assert event.actor_label == "Morgan Alder (guardian, by personal link)"
    assert event.reason == "We would rather not"
    assert event.details["purpose"] == "recording"
    [destroyed_event] = audit_since(since, AuditAction.RECORDING_DESTROYED)
    assert destroyed_event.object_id == str(recording.pk)

    # The DSL and the guardian were told what happened.
    [to_dsl] = smtp_server.to(cast.dsl.email)
    assert to_dsl["Subject"] == "Consent withdrawn for Robin Alder"
    assert "We would rather not" in body(to_dsl)
    assert "Recordings in which this learner appears are destroyed now" in body(to_dsl)
    [to_guardian] = smtp_server.to(cast.guardian.email)
    # What became of the recordings is queued for them too (with the destruction certificate).
    outcome = EmailDelivery.objects.get(purpose="recording_withdrawal_outcome")
    assert (outcome.to, outcome.subject) == (cast.guardian.email, "Recordings of Robin: destroyed")
    text = body(to_guardian)
    assert "Being recorded in live sessions" in text
    assert "destroyed securely" in text
    assert links_in(to_guardian)["manage"] == manage
    assert not smtp_server.to(cast.teacher.email)


def test_staff_record_a_withdrawal_made_by_phone(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks, heard: list[object]
) -> None:
    _all_given(cast, django_capture_on_commit_callbacks)
    make_recording(cast, tracks=[media(1000)])
    smtp_server.messages.clear()
    since = last_seq()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.deputy).post(
            f"/consent/learners/{cast.learner.pk}/withdraw/",
            {
                "purposes": ["live_one_to_one", "recording"],
                "withdrawn_by_name": "Robin Alder",
                "guardian": str(cast.guardian.pk),
                "channel": "phone",
                "reason": "Robin rang to say they no longer want to be recorded",
            },
        )
    assert response.status_code == 302
    assert _current()["recording"] == _current()["live_one_to_one"] == "withdrawn"
    evidence = ConsentEvidence.objects.get(kind=EvidenceKind.WITHDRAWAL)
    assert (evidence.recorded_by, evidence.channel) == (cast.deputy, "phone")
    withdrawn_events = audit_since(since, AuditAction.CONSENT_WITHDRAWN)
    assert len(withdrawn_events) == 2
    assert {(e.actor_id, e.reason) for e in withdrawn_events} == {
        (cast.deputy.pk, "Robin rang to say they no longer want to be recorded")
    }
    assert [type(e).__name__ for e in heard[-2:]] == ["ConsentChanged", "ConsentWithdrawn"]
    assert DestructionCertificate.objects.count() == 1
    assert len(smtp_server.to(cast.dsl.email)) == 1
    # The withdrawal notice, and what became of the recordings.
    assert len(smtp_server.to(cast.guardian.email)) == 2


def test_withdrawing_something_other_than_recording_queues_no_destruction(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _all_given(cast, django_capture_on_commit_callbacks)
    recording = make_recording(cast, tracks=[media(1000)])
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["images"],
            withdrawn_by_name="Morgan Alder",
            channel="email_reply",
            reason="No photographs please",
        )
    assert _current()["images"] == "withdrawn"
    assert not DestructionCertificate.objects.exists()
    assert Recording.objects.get(pk=recording.pk).status == "complete"


def test_declining_what_was_given_is_a_withdrawal(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks, heard: list[object]
) -> None:
    manage = _all_given(cast, django_capture_on_commit_callbacks)
    make_recording(cast, tracks=[media(1000)])
    change = Client().get(f"{manage}change/")
    assert change.status_code == 200
    initial = change.context["form"].initial
    assert initial["recording"] == "given"  # the page starts from what is agreed
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"{manage}change/",
            form_data(agree_to_all_but("recording"), expected_latest=initial["expected_latest"]),
        )
    assert response.status_code == 302
    assert _current()["recording"] == "withdrawn"
    assert isinstance(heard[-1], ConsentWithdrawn)
    assert DestructionCertificate.objects.count() == 1


def test_a_change_sent_twice_is_saved_once(cast: Cast, django_capture_on_commit_callbacks) -> None:
    manage = _all_given(cast, django_capture_on_commit_callbacks)
    latest = Client().get(f"{manage}change/").context["form"].initial["expected_latest"]
    data = form_data(agree_to_all_but("images"), expected_latest=latest)
    assert Client().post(f"{manage}change/", data).status_code == 302
    again = Client().post(f"{manage}change/", data)
    assert again.status_code == 400
    assert "already saved, or changed in another window" in again.content.decode()
    assert ConsentEvidence.objects.count() == 2  # the first answer and one change


def test_withdrawing_what_is_not_given_is_refused_and_changes_nothing(
    cast: Cast, django_capture_on_commit_callbacks, heard: list[object]
) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            f"/consent/r/{answer_token(consent_request)}/",
            form_data(agree_to_all_but("recording")),
        )
    heard.clear()
    since = last_seq()
    with pytest.raises(ValidationFailed), django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["recording"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="Check",
        )
    assert _current()["recording"] == "declined"
    assert ConsentEvidence.objects.count() == 1
    assert heard == [] and audit_since(since) == []


def test_a_withdrawal_needs_a_signature_and_changes_nothing_without_one(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    manage = _all_given(cast, django_capture_on_commit_callbacks)
    since = last_seq()
    response = Client().post(f"{manage}withdraw/", {"purposes": ["recording"], "signed_name": ""})
    assert response.status_code == 400
    assert "Type your full name" in response.content.decode()
    assert _current()["recording"] == "given"
    assert audit_since(since) == []


def test_a_rolled_back_withdrawal_tells_nobody(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks, heard: list[object]
) -> None:
    _all_given(cast, django_capture_on_commit_callbacks)
    make_recording(cast, tracks=[media(1000)])
    heard.clear()
    smtp_server.messages.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["recording"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="Changed their mind",
        )
        raise RuntimeError("something later failed")
    assert _current()["recording"] == "given"
    assert heard == [] and smtp_server.messages == []
    assert not DestructionCertificate.objects.exists()
