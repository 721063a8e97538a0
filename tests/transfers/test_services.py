"""Sending a child protection file directly to another organisation on Chaperon: accepted, it
becomes part of the receiving file with its history; declined, nothing of it is kept there;
nobody else may send, accept or decline, and a refusal changes nothing (INC-8, LOG-2)."""

import pytest
from django.core.files.storage import default_storage

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain
from chaperon.concerns.models import Concern, ConcernAttachment, ConcernEntry, EntryKind
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.people.models import Learner
from chaperon.people.roles import Role
from chaperon.transfers import services
from chaperon.transfers.models import ReceivedConcern, Transfer, TransferStatus
from tests import factories
from tests.conftest import Cast

from .helpers import file_with_history, receiving_school

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-8"), pytest.mark.clause("LOG-2")]


def _snapshot(organisation_id: int) -> tuple[int, int, int, int]:
    return (
        Concern.objects.filter(organisation_id=organisation_id).count(),
        ConcernEntry.objects.filter(concern__organisation_id=organisation_id).count(),
        Learner.objects.filter(organisation_id=organisation_id).count(),
        ReceivedConcern.objects.count(),
    )


def _sent(cast: Cast) -> Transfer:
    file_with_history(cast)
    return services.transfer_send_direct(
        actor=cast.dsl,
        learner_id=cast.learner.pk,
        receiving_organisation_id=cast.other_organisation.pk,
    )


def test_sending_tells_the_receiving_dsl_without_naming_the_child(cast: Cast) -> None:
    transfer = _sent(cast)

    assert transfer.status == TransferStatus.SENT
    assert transfer.concern_count == 1
    told = EmailDelivery.objects.get(purpose="file_transfer")
    assert told.to == cast.outsider.email
    assert cast.organisation.name in told.text
    assert cast.learner.first_name not in told.text and cast.learner.first_name not in told.subject
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSFER_SENT, organisation_id=cast.organisation.pk
    ).exists()


def test_acceptance_copies_the_file_with_its_history(cast: Cast) -> None:
    original = file_with_history(cast)
    transfer = services.transfer_send_direct(
        actor=cast.dsl,
        learner_id=cast.learner.pk,
        receiving_organisation_id=cast.other_organisation.pk,
    )
    sender_before = _snapshot(cast.organisation.pk)
    original_entries = list(original.entries.order_by("at", "id"))

    accepted = services.transfer_accept(
        actor=cast.outsider, transfer_id=transfer.pk, learner_id=None
    )

    copy = Concern.objects.get(organisation=cast.other_organisation)
    learner = copy.learner
    assert learner is not None
    assert (learner.first_name, learner.last_name) == (
        cast.learner.first_name,
        cast.learner.last_name,
    )
    assert learner.date_of_birth == cast.learner.date_of_birth
    assert copy.description == original.description
    assert copy.reporter_name == cast.teacher.full_name
    entries = list(copy.entries.order_by("at", "id"))
    # Every entry of the history, at its original time, by its author's name at the sender.
    assert [(e.at, e.kind, e.summary) for e in entries[:-1]] == [
        (e.at, e.kind, e.summary) for e in original_entries
    ]
    assert all(e.author_id is None for e in entries[:-1])
    assert entries[0].author_label == f"{cast.teacher.full_name} ({cast.organisation.name})"
    marker = entries[-1]
    assert marker.kind == EntryKind.NOTE and marker.author_id == cast.outsider.pk
    assert f"Received by transfer from {cast.organisation.name}" in marker.summary
    assert original.reference in marker.summary
    [document] = ConcernAttachment.objects.filter(concern=copy)
    with default_storage.open(document.path, "rb") as kept:
        assert b"Notes of what Robin said in words." in kept.read()
    received = ReceivedConcern.objects.get(concern_id=copy.pk)
    assert received.original_reference == original.reference
    # The sender's file is untouched, and sees who received it and when.
    assert _snapshot(cast.organisation.pk)[:3] == sender_before[:3]
    assert accepted.status == TransferStatus.RECEIVED
    assert accepted.received_by_name == cast.outsider.full_name
    assert accepted.received_at is not None
    assert accepted.content is None  # the receiving school's own records now; the digest stays
    assert accepted.content_sha256 == transfer.content_sha256
    # Both chains say it.
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSFER_ACCEPTED, organisation_id=cast.other_organisation.pk
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSFER_RECEIVED, organisation_id=cast.organisation.pk
    ).exists()
    assert verify_chain().ok
    told = EmailDelivery.objects.filter(to=cast.dsl.email, purpose="file_transfer").get()
    assert "received and accepted" in told.text


def test_acceptance_onto_a_learner_already_here(cast: Cast) -> None:
    transfer = _sent(cast)
    here = factories.learner(
        cast.other_organisation,
        first_name=cast.learner.first_name,
        last_name=cast.learner.last_name,
        date_of_birth=cast.learner.date_of_birth,
    )
    learners = Learner.objects.filter(organisation=cast.other_organisation).count()

    services.transfer_accept(actor=cast.outsider, transfer_id=transfer.pk, learner_id=here.pk)

    assert Concern.objects.get(organisation=cast.other_organisation).learner == here
    assert Learner.objects.filter(organisation=cast.other_organisation).count() == learners


def test_decline_copies_nothing_and_tells_the_sender(cast: Cast) -> None:
    transfer = _sent(cast)
    before = _snapshot(cast.other_organisation.pk)

    services.transfer_decline(
        actor=cast.outsider, transfer_id=transfer.pk, reason="The learner did not join us."
    )

    assert _snapshot(cast.other_organisation.pk) == before
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED
    assert transfer.decline_reason == "The learner did not join us."
    assert transfer.content is None
    assert EmailDelivery.objects.filter(to=cast.dsl.email, subject__contains="declined").exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSFER_DECLINED, organisation_id=cast.organisation.pk
    ).exists()


def test_a_decline_needs_a_reason(cast: Cast) -> None:
    transfer = _sent(cast)
    with pytest.raises(ValidationFailed) as refused:
        services.transfer_decline(actor=cast.outsider, transfer_id=transfer.pk, reason="  ")
    assert "reason" in refused.value.errors
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT


@pytest.mark.parametrize("who", ["teacher_there", "third_dsl", "sender"])
def test_only_the_receiving_dsl_accepts_or_declines(cast: Cast, who: str) -> None:
    transfer = _sent(cast)
    there = receiving_school(cast)
    third = factories.organisation("Larch Hill Academy")
    actor = {
        "teacher_there": there.teacher,
        "third_dsl": factories.staff(third, Role.DSL, name="Lou Garnet"),
        "sender": cast.dsl,
    }[who]
    before = (_snapshot(cast.other_organisation.pk), _snapshot(third.pk))
    events = AuditEvent.objects.count()

    with pytest.raises((PermissionDenied, NotFound)):
        services.transfer_accept(actor=actor, transfer_id=transfer.pk, learner_id=None)
    with pytest.raises((PermissionDenied, NotFound)):
        services.transfer_decline(actor=actor, transfer_id=transfer.pk, reason="Not ours.")

    assert (_snapshot(cast.other_organisation.pk), _snapshot(third.pk)) == before
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT and transfer.decided_by is None
    assert AuditEvent.objects.count() == events


def test_a_teacher_may_not_send_a_file(cast: Cast) -> None:
    file_with_history(cast)
    with pytest.raises(PermissionDenied):
        services.transfer_send_direct(
            actor=cast.teacher,
            learner_id=cast.learner.pk,
            receiving_organisation_id=cast.other_organisation.pk,
        )
    assert not Transfer.objects.exists()


def test_nobody_sends_another_organisations_learner(cast: Cast) -> None:
    with pytest.raises(NotFound):
        services.transfer_send_direct(
            actor=cast.dsl,
            learner_id=cast.outsider_learner.pk,
            receiving_organisation_id=cast.other_organisation.pk,
        )
    assert not Transfer.objects.exists()


def test_a_file_is_not_sent_to_its_own_school_or_twice(cast: Cast) -> None:
    _sent(cast)
    for organisation_id in (cast.organisation.pk, cast.other_organisation.pk):
        with pytest.raises(ValidationFailed) as refused:
            services.transfer_send_direct(
                actor=cast.dsl,
                learner_id=cast.learner.pk,
                receiving_organisation_id=organisation_id,
            )
        assert "receiving_organisation" in refused.value.errors
    assert Transfer.objects.count() == 1


def test_a_file_is_accepted_once(cast: Cast) -> None:
    transfer = _sent(cast)
    services.transfer_accept(actor=cast.outsider, transfer_id=transfer.pk, learner_id=None)
    before = _snapshot(cast.other_organisation.pk)
    with pytest.raises(ValidationFailed):
        services.transfer_accept(actor=cast.outsider, transfer_id=transfer.pk, learner_id=None)
    assert _snapshot(cast.other_organisation.pk) == before
