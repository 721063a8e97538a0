"""REC-6 in the room: whether each learner is comfortable being recorded, answered on their
own device or, for a learner with no email address of their own, on the device of the parent
who brought them; and asked by the host when it is not known."""

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.rooms import selectors, services
from chaperon.rooms.devices import device_hash
from chaperon.rooms.models import Participant, RecordingComfort, RecordingState, Room, RoomEvent
from chaperon.rooms.permissions import Entrant
from chaperon.rooms.services import recorder
from chaperon.sessions.models import Invitation, Session, SessionStatus
from tests.conftest import Cast

from .helpers import FakeVault, booked, invitation

pytestmark = pytest.mark.django_db


def _arrive(session: Session, cast: Cast, who: str) -> Participant:
    if who == "host":
        entrant = Entrant(session, cast.teacher.full_name, "staff", user=cast.teacher)
    else:
        person = cast.guardian if who == "guardian" else cast.learner
        found = invitation(session, who, person.pk)
        entrant = Entrant(session, found.display_name, who, invitation=found)
    return services.room_connect(
        entrant=entrant, channel_name="", device=device_hash(f"the {who}'s own device, a secret")
    )


def _parent_in(cast: Cast, *, comfortable: bool | None) -> tuple[Session, Participant]:
    """A recorded 1:1 with a learner who has no email address: their parent's link brings
    them. The host is in; the parent is admitted and accepts the agreement."""
    session = booked(cast, recording=True, own_links=False)
    assert not Invitation.objects.filter(session=session, role="learner").exists()
    _arrive(session, cast, "host")
    parent = _arrive(session, cast, "guardian")
    services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=parent.pk)
    services.room_agree(participant_id=parent.pk, comfortable_recording=comfortable)
    return session, parent


@pytest.mark.clause("REC-6")
@pytest.mark.clause("REC-4")
def test_the_parents_answer_for_a_learner_on_their_link_lets_a_recorded_session_start(
    cast: Cast, vault: FakeVault
) -> None:
    session, parent = _parent_in(cast, comfortable=True)
    answer = RecordingComfort.objects.get()
    assert answer.learner == cast.learner and answer.comfortable is True
    assert answer.answered_by == parent
    audited = AuditEvent.objects.get(action=AuditAction.ROOM_RECORDING_COMFORT)
    assert audited.actor_label == f"invitation {parent.invitation_id}"

    services.room_start(actor=cast.teacher, session_id=session.pk, adult_present=True)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    Participant.objects.update(connected=True)
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    assert Room.objects.get().recording_state == RecordingState.ON
    assert len(vault.begun) == 1


@pytest.mark.clause("REC-6")
def test_the_host_asks_and_the_answer_on_the_parents_device_is_kept_and_used(
    cast: Cast, vault: FakeVault
) -> None:
    session, parent = _parent_in(cast, comfortable=None)
    with pytest.raises(ValidationFailed) as refused:
        services.room_start(actor=cast.teacher, session_id=session.pk, adult_present=True)
    said = str(refused.value)
    assert "Robin Alder has not said whether they are comfortable being recorded" in said
    assert "Ask Robin Alder if they are comfortable being recorded" in said
    assert "(not known)" not in said
    host_view = selectors.room_view(participant_id=Participant.objects.get(is_host=True).pk)
    assert host_view["comfort"] == [
        {
            "learner": cast.learner.pk,
            "name": "Robin Alder",
            "answer": None,
            "asked": False,
            "answered_by": "",
            "in_room": True,
        }
    ]

    services.room_ask_comfort(actor=cast.teacher, session_id=session.pk, learner_id=cast.learner.pk)
    parent_view = selectors.room_view(participant_id=parent.pk)
    assert parent_view["me"]["comfort_questions"] == [
        {"learner": cast.learner.pk, "name": "Robin Alder"}
    ]
    services.room_comfort_answer(
        participant_id=parent.pk, learner_id=cast.learner.pk, comfortable=True
    )
    assert selectors.room_view(participant_id=parent.pk)["me"]["comfort_questions"] == []
    assert RoomEvent.objects.filter(kind="comfort_asked").count() == 1
    answered = RoomEvent.objects.get(kind="comfort_answered")
    assert answered.participant == parent and answered.data["how"] == "asked"
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_RECORDING_COMFORT).count() == 1

    services.room_start(actor=cast.teacher, session_id=session.pk, adult_present=True)
    Participant.objects.update(connected=True)
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    assert Room.objects.get().recording_state == RecordingState.ON


@pytest.mark.clause("REC-6")
def test_only_the_host_asks_and_only_a_device_that_answers_for_the_learner_answers(
    cast: Cast,
) -> None:
    session = booked(cast, recording=True)  # the learner has a link of their own
    host = _arrive(session, cast, "host")
    with pytest.raises(ValidationFailed) as nobody:
        services.room_ask_comfort(
            actor=cast.teacher, session_id=session.pk, learner_id=cast.learner.pk
        )
    assert "is not in the room yet" in str(nobody.value)
    parent = _arrive(session, cast, "guardian")
    learner = _arrive(session, cast, "learner")
    for someone in (parent, learner):
        services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=someone.pk)
    with pytest.raises(PermissionDenied):
        services.room_ask_comfort(
            actor=cast.teacher2, session_id=session.pk, learner_id=cast.learner.pk
        )
    services.room_ask_comfort(actor=cast.teacher, session_id=session.pk, learner_id=cast.learner.pk)
    # The learner is here on their own device: it answers, not the parent's, nor the host's.
    for other in (parent, host):
        with pytest.raises(PermissionDenied):
            services.room_comfort_answer(
                participant_id=other.pk, learner_id=cast.learner.pk, comfortable=True
            )
    assert RecordingComfort.objects.get().comfortable is None
    assert not AuditEvent.objects.filter(action=AuditAction.ROOM_RECORDING_COMFORT).exists()
    services.room_comfort_answer(
        participant_id=learner.pk, learner_id=cast.learner.pk, comfortable=False
    )
    assert RecordingComfort.objects.get().comfortable is False
    problems = recorder.why_not_recordable(Room.objects.get(), [learner])
    assert problems == ["Robin Alder is not comfortable being recorded."]
