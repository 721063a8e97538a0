"""Whether each learner is comfortable being recorded (REC-6): answered in the agreement, or
when the host asks, on the learner's own device or, for a learner who joins on a parent's or
carer's link (no email address of their own), on that parent's or carer's device."""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import GuardianRelationship, User

from .. import broadcast
from ..models import Participant, Presence, RecordingComfort, Room
from .common import audit, event, host_of


def in_the_room(room: Room) -> list[Participant]:
    return list(
        Participant.objects.filter(room=room, presence=Presence.ADMITTED, connected=True)
        .select_related("invitation")
        .order_by("id")
    )


def answers_for(participant: Participant, *, present: list[Participant]) -> list[int]:
    """The learners whose answer ``participant``'s device gives: a learner their own; a
    parent or carer that of each of their children in the session who is not in the room on
    a device of their own."""
    if participant.invitation is None:
        return []
    person_id = participant.invitation.person_id
    if participant.role == "learner":
        return [person_id]
    if participant.role != "guardian":
        return []
    on_own_device = {
        p.invitation.person_id for p in present if p.role == "learner" and p.invitation
    }
    session_learners = participant.room.session.learners.values_list("pk", flat=True)
    children = GuardianRelationship.objects.filter(
        guardian_id=person_id, learner_id__in=session_learners
    ).values_list("learner_id", flat=True)
    return sorted(set(children) - on_own_device)


def answerers(room: Room, learner_id: int) -> list[Participant]:
    """The devices in the room that answer for this learner."""
    present = in_the_room(room)
    return [p for p in present if learner_id in answers_for(p, present=present)]


def comfort_answers(room: Room) -> dict[int, bool]:
    """Each learner's answer given in this room (learner id: comfortable); a learner not yet
    asked, or with a question still open, is absent."""
    answered = RecordingComfort.objects.filter(room=room, comfortable__isnull=False)
    return {answer.learner_id: answer.comfortable is True for answer in answered}


def record_comfort(
    room: Room, by: Participant, learner_ids: list[int], comfortable: bool, *, how: str
) -> None:
    """Keep each answer, with who gave it on which device, in the room's log and the audit
    log. The caller holds the room's lock."""
    now = timezone.now()
    for learner_id in learner_ids:
        RecordingComfort.objects.update_or_create(
            room=room,
            learner_id=learner_id,
            defaults={"comfortable": comfortable, "answered_at": now, "answered_by": by},
        )
        event(
            room,
            "comfort_answered",
            participant=by,
            learner=learner_id,
            comfortable=comfortable,
            how=how,
        )
        audit(
            AuditAction.ROOM_RECORDING_COMFORT,
            room,
            by,
            data={"learner": learner_id, "comfortable": comfortable, "how": how},
        )


@logged
def room_ask_comfort(*, actor: User, session_id: int, learner_id: int) -> RecordingComfort:
    """The host asks a learner whether they are comfortable being recorded: the question
    appears on the learner's device, or on the device of the parent or carer they are with."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        if not room.session.recording_enabled:
            raise ValidationFailed({"learner": "this session is not booked to be recorded"})
        learner = room.session.learners.filter(pk=learner_id).first()
        if learner is None:
            raise ValidationFailed({"learner": "that learner is not in this session"})
        if not answerers(room, learner.pk):
            raise ValidationFailed(
                {
                    "learner": f"{learner.full_name} is not in the room yet, on a device of "
                    "their own or with a parent or carer: ask once they have joined"
                }
            )
        asked, _ = RecordingComfort.objects.update_or_create(
            room=room,
            learner=learner,
            defaults={"comfortable": None, "asked_at": timezone.now(), "asked_by": host},
        )
        event(room, "comfort_asked", by=host, learner=learner.pk)
        broadcast.room_changed(room.pk)
    return asked


@logged
def room_comfort_answer(*, participant_id: int, learner_id: int, comfortable: bool) -> None:
    """The answer to the host's question, from a device that answers for the learner."""
    with transaction.atomic():
        participant = Participant.objects.select_related("room", "invitation").get(
            pk=participant_id
        )
        room = (
            Room.objects.select_for_update().select_related("session").get(pk=participant.room_id)
        )
        participant.room = room
        if participant.presence != Presence.ADMITTED or room.ended_at is not None:
            raise PermissionDenied("Only people in the room can answer.")
        if learner_id not in answers_for(participant, present=in_the_room(room)):
            raise PermissionDenied("This device does not answer for that learner.")
        record_comfort(room, participant, [learner_id], comfortable, how="asked")
        broadcast.room_changed(room.pk)
