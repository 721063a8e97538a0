"""When consent to recording is withdrawn, the learner's recordings are queued for destruction
(REC-7): queued once, audited, and listed for the DSL and deputies only."""

import pytest
from django.db import transaction
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.consent.events import ConsentWithdrawn
from chaperon.core.events import publish
from chaperon.recordings.models import DestructionRequest, DestructionStatus
from chaperon.recordings.services import destruction_queue_for_withdrawn_consent
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("REC-7")]

EVERYONE = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin", "outsider"]
SEES_QUEUE = {"dsl", "deputy"}


def _withdrawn(
    cast: Cast, *purposes: str, consent_ids: tuple[int, ...] = (41, 42)
) -> ConsentWithdrawn:
    return ConsentWithdrawn(
        organisation_id=cast.organisation.pk,
        learner_id=cast.learner.pk,
        purposes=purposes,
        consent_ids=consent_ids,
    )


def test_a_withdrawal_of_recording_queues_destruction_once_and_is_audited(cast: Cast) -> None:
    event = _withdrawn(cast, "live_group", "recording")
    destruction_queue_for_withdrawn_consent(event)
    destruction_queue_for_withdrawn_consent(event)  # delivered twice: still one request
    queued = DestructionRequest.objects.get()
    assert (queued.organisation, queued.learner, queued.status) == (
        cast.organisation,
        cast.learner,
        DestructionStatus.QUEUED,
    )
    assert queued.consent_ids == [41, 42]
    assert queued.reason == "Consent to recording withdrawn"
    [audited] = AuditEvent.objects.filter(action=AuditAction.RECORDING_DESTRUCTION_QUEUED)
    assert audited.object_id == str(queued.pk)
    assert audited.reason == "Consent to recording withdrawn"
    assert audited.organisation_id == cast.organisation.pk
    assert audited.details == {"learner": cast.learner.pk, "consents": [41, 42]}


def test_a_withdrawal_of_anything_else_queues_nothing(cast: Cast) -> None:
    destruction_queue_for_withdrawn_consent(_withdrawn(cast, "images", "live_group"))
    assert not DestructionRequest.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RECORDING_DESTRUCTION_QUEUED).exists()


def test_the_recordings_app_hears_the_event_after_commit_only(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(_withdrawn(cast, "recording", consent_ids=(1,)))
        raise RuntimeError("rolled back")
    assert not DestructionRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(_withdrawn(cast, "recording", consent_ids=(2,)))
        assert not DestructionRequest.objects.exists()
    for callback in callbacks:
        callback()
    assert DestructionRequest.objects.get().consent_ids == [2]


@pytest.mark.parametrize("name", EVERYONE)
def test_the_queue_is_shown_to_the_dsl_and_deputies_only(cast: Cast, name: str) -> None:
    destruction_queue_for_withdrawn_consent(_withdrawn(cast, "recording"))
    response = signed_in(cast.user(name)).get("/recordings/destruction-queue/")
    if name == "outsider":  # a DSL elsewhere sees their own organisation's queue
        assert response.status_code == 200
        body = response.content.decode()
        assert "Robin Alder" not in body and "Nothing is waiting to be destroyed." in body
    elif name in SEES_QUEUE:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Robin Alder" in body and "Consent to recording withdrawn" in body
    else:
        assert response.status_code == 403
    assert DestructionRequest.objects.count() == 1


def test_the_queue_asks_anyone_not_signed_in_to_sign_in(cast: Cast) -> None:
    response = Client().get("/recordings/destruction-queue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_destroyed_or_held_requests_leave_the_queue(cast: Cast) -> None:
    destruction_queue_for_withdrawn_consent(_withdrawn(cast, "recording"))
    DestructionRequest.objects.update(status=DestructionStatus.HELD)
    body = signed_in(cast.dsl).get("/recordings/destruction-queue/").content.decode()
    assert "Nothing is waiting to be destroyed." in body
