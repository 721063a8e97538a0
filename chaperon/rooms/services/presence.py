"""Who is in the room: arriving, waiting, admitted or refused, removed, leaving, the lock,
and the opening agreement (ROOM-1, ROOM-5..ROOM-8, SES-4)."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.models import Invitation, SessionKind
from chaperon.sessions.services import live

from .. import broadcast
from ..models import Participant, Presence, Room
from ..permissions import Entrant, needs_pre_call_check
from . import comfort, sfu
from .common import (
    RoomRefused,
    audit,
    close_stay,
    event,
    host_of,
    locked_room,
    open_stay,
    put_out,
    refused_once,
    staff_in_room,
    target_of,
)
from .door import door_shut
from .recovery import recover_if_silent


@logged
def room_connect(*, entrant: Entrant, channel_name: str, device: str) -> Participant:
    """A connection arrives: the host goes straight in, anyone else waits for the host
    (ROOM-1). A locked room lets nobody new in (ROOM-6); someone admitted who lost their
    connection comes back in, on the device they were admitted on (``device``, the hash of
    the secret their browser holds). Their link opened on any other device waits as a second
    device, whatever the lock, and the host is told; the first device keeps its place."""
    session = entrant.session
    turned_away: RoomRefused | None = None
    with transaction.atomic():
        Room.objects.get_or_create(session=session, defaults=sfu.room_defaults(session))
        room = locked_room(session.pk)
        if recover_if_silent(room):
            broadcast.room_changed(room.pk)
        if room.ended_at is not None:
            raise RoomRefused("ended", "This session has ended.")
        shut = door_shut(session, room)
        if shut is not None:
            raise shut
        if needs_pre_call_check(entrant):  # SES-14, as the room's page: nothing is kept
            raise RoomRefused(
                "check_first",
                "Check your camera, microphone and setting first: "
                + reverse("rooms:check", args=[session.pk]),
            )
        participant = _arriving(room, entrant, device)
        back_in = participant.presence == Presence.ADMITTED
        if room.locked and not (entrant.is_host or back_in or participant.second_device):
            # Kept on the room log and in the learner's chronology: refused after the commit.
            event(room, "refused_locked", participant=participant)
            turned_away = RoomRefused("locked", "The room is locked: nobody else can join now.")
        else:
            _come_in(room, entrant, participant, channel_name=channel_name, back_in=back_in)
    if turned_away is not None:
        raise turned_away
    return participant


def _come_in(
    room: Room, entrant: Entrant, participant: Participant, *, channel_name: str, back_in: bool
) -> None:
    """The connection is theirs: the host and someone admitted before are in, anyone else
    waits for the host."""
    participant.connected = True
    participant.channel_name = channel_name
    participant.epoch += 1
    if entrant.is_host or back_in:
        participant.presence = Presence.ADMITTED
        close_stay(participant)
        open_stay(participant)
        event(room, "joined", participant=participant, rejoined=back_in)
    else:
        participant.presence = Presence.WAITING
        participant.agreed_at = None
        event(
            room,
            "second_device" if participant.second_device else "waiting",
            participant=participant,
        )
    participant.save()
    if participant.second_device and not back_in:
        _second_device_arrived(room, participant)
    broadcast.person_changed(room, participant)


def _arriving(room: Room, entrant: Entrant, device: str) -> Participant:
    """The row of this person on this device: staff by their account; someone with a join
    link by the link and the device, marked a second device while another device of the same
    link is in the room or connected."""
    defaults = {
        "display_name": entrant.display_name,
        "role": entrant.role,
        "is_host": entrant.is_host,
        "presence": Presence.WAITING,
    }
    if entrant.user is not None:
        participant, _ = Participant.objects.get_or_create(
            room=room, user=entrant.user, defaults=defaults
        )
        participant.room = room
        return participant
    same_link = list(Participant.objects.filter(room=room, invitation=entrant.invitation))
    mine = next((p for p in same_link if p.device_hash == device), None)
    if mine is None:
        mine = Participant(room=room, invitation=entrant.invitation, device_hash=device, **defaults)
    mine.room = room
    held_elsewhere = any(
        p.presence == Presence.ADMITTED or p.connected for p in same_link if p is not mine
    )
    mine.second_device = mine.presence != Presence.ADMITTED and held_elsewhere
    if mine.pk is None:
        mine.save()
    return mine


def _second_device_arrived(room: Room, participant: Participant) -> None:
    """The same link on another device: recorded, and the host told at once."""
    audit(AuditAction.ROOM_SECOND_DEVICE, room, participant, data={"participant": participant.pk})
    name = participant.display_name
    for host in Participant.objects.filter(room=room, is_host=True, presence=Presence.ADMITTED):
        broadcast.tell(
            host.channel_name,
            {
                "type": "warning",
                "code": "second_device",
                "message": f"{name}'s join link was opened on a second device. It is waiting, "
                f"marked “second device”. {name} keeps their place on the first device unless "
                "you let the second one in instead; refuse it if you do not know who it is.",
            },
        )


@logged
def room_disconnect(*, participant_id: int, channel_name: str) -> None:
    """The connection closed. Someone admitted stays admitted (a reload brings them back) but
    their stay in the attendance ends now."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_related("room__session")
            .filter(pk=participant_id, channel_name=channel_name)
            .first()
        )
        if participant is None:
            return
        room = locked_room(participant.room_id)
        participant.room = room
        participant.connected = False
        participant.channel_name = ""
        sfu.release(room, participant)
        if participant.presence == Presence.WAITING:
            participant.presence = Presence.LEFT
        if participant.stay_id is not None:
            close_stay(participant)
            event(room, "disconnected", participant=participant)
            warn_if_staff_alone(room, participant)
        participant.save()
        broadcast.person_changed(room, participant)


@logged
def room_leave(*, participant_id: int) -> Participant:
    """Leave at once (ROOM-8): out of the room, stay closed; the page goes to the report."""
    with transaction.atomic():
        participant = Participant.objects.select_related("room").get(pk=participant_id)
        room = locked_room(participant.room_id)
        participant.room = room
        was_in = participant.presence == Presence.ADMITTED
        participant.presence = Presence.LEFT
        close_stay(participant)
        participant.save()
        sfu.release(room, participant)
        event(room, "left", participant=participant)
        if was_in:
            warn_if_staff_alone(room, participant)
        broadcast.person_changed(room, participant)
    return participant


def warn_if_staff_alone(room: Room, participant: Participant) -> None:
    """SES-4: a group session left with one member of staff warns the host, and is recorded."""
    if (
        participant.role != Invitation.Role.STAFF
        or room.session.kind == SessionKind.ONE_TO_ONE
        or room.started_at is None
        or room.ended_at is not None
    ):
        return
    remaining = staff_in_room(room)
    if len(remaining) < 2:
        event(room, "staff_alone", participant=participant, remaining=len(remaining))
        audit(AuditAction.ROOM_STAFF_LEFT, room, participant, data={"remaining": len(remaining)})
        for host in remaining:
            if host.is_host:
                broadcast.tell(
                    host.channel_name,
                    {
                        "type": "warning",
                        "code": "staff_alone",
                        "message": f"{participant.display_name} has left. A group session "
                        "needs two members of staff: ask another to join, or end the session.",
                    },
                )


@logged
def room_admit(*, actor: User, session_id: int, participant_id: int) -> Participant:
    """The host lets someone in. A learner comes in only while the session still passes the
    policy at the start (consent in place, ...); otherwise the host is told why."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        target = target_of(room, participant_id)
        if target.presence != Presence.WAITING:
            raise ValidationFailed({"participant": f"{target.display_name} is not waiting"})
        if room.locked and not target.second_device:
            raise ValidationFailed({"room": "the room is locked: unlock it to admit anyone"})
        problems = []
        if target.role == Invitation.Role.LEARNER and target.invitation is not None:
            problems = live.admission_problems(
                session=room.session, learner_id=target.invitation.person_id
            )
        if problems:
            # Recorded and committed; the refusal is raised once the transaction is over.
            refused_once(
                room,
                host,
                "admission_blocked",
                AuditAction.ROOM_ADMISSION_REFUSED,
                target=target,
                problems=problems,
                policy=True,
            )
        else:
            _admit(room, host, target)
    if problems:
        raise AdmissionBlocked(problems)
    return target


def _admit(room: Room, host: Participant, target: Participant) -> None:
    replaced = _device_replaced(room, host, target)
    target.presence = Presence.ADMITTED
    open_stay(target)
    target.save()
    instead: dict[str, Any] = {"instead_of": replaced} if replaced is not None else {}
    event(room, "admitted", participant=target, by=host, **instead)
    audit(AuditAction.ROOM_ADMITTED, room, host, data={"participant": target.pk, **instead})
    from . import recorder  # the recorder builds on these services

    recorder.pause_unless_consented(room, target)
    broadcast.person_changed(room, target)


def _device_replaced(room: Room, host: Participant, target: Participant) -> int | None:
    """The host chose a second device: the device of the same link that was in the room
    leaves it, and is told why. Returns its id."""
    if target.invitation_id is None:
        return None
    first = (
        Participant.objects.filter(
            room=room, invitation_id=target.invitation_id, presence=Presence.ADMITTED
        )
        .exclude(pk=target.pk)
        .first()
    )
    if first is None:
        return None
    first.room = room
    first.presence = Presence.REMOVED
    close_stay(first)
    first.save()
    sfu.release(room, first)
    event(room, "device_replaced", participant=first, by=host, by_device=target.pk)
    broadcast.tell(
        first.channel_name,
        {
            "type": "removed",
            "message": f"The host has let {first.display_name} in on another device instead "
            "of this one.",
        },
        close=4403,
    )
    return first.pk


class AdmissionBlocked(ValidationFailed):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            {"participant": "the policy does not allow them in now: " + " ".join(problems)}
        )


@logged
def room_refuse(*, actor: User, session_id: int, participant_id: int) -> Participant:
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        target = target_of(room, participant_id)
        if target.presence != Presence.WAITING:
            raise ValidationFailed({"participant": f"{target.display_name} is not waiting"})
        target.presence = Presence.REFUSED
        target.save()
        event(room, "refused", participant=target, by=host)
        audit(AuditAction.ROOM_ADMISSION_REFUSED, room, host, data={"participant": target.pk})
        broadcast.tell(
            target.channel_name,
            {"type": "refused", "code": "refused", "message": "The host did not let you in."},
            close=4403,
        )
        broadcast.person_changed(room, target)
    return target


@logged
def room_remove(*, actor: User, session_id: int, participant_id: int) -> Participant:
    """ROOM-9: out at once; back only if the host admits them again."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        target = target_of(room, participant_id)
        if target.pk == host.pk or target.presence != Presence.ADMITTED:
            raise ValidationFailed({"participant": "only someone in the room can be removed"})
        put_out(
            room,
            target,
            kind="removed",
            by=host,
            message="The host has removed you from the session.",
        )
        warn_if_staff_alone(room, target)
        broadcast.room_changed(room.pk)
    return target


@logged
def room_mute(*, actor: User, session_id: int, participant_id: int) -> None:
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        target = target_of(room, participant_id)
        event(room, "muted", participant=target, by=host)
        sfu.mute(room, target)
        broadcast.tell(target.channel_name, {"type": "mute", "by": host.display_name})


@logged
def room_lock(*, actor: User, session_id: int, locked: bool) -> Room:
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        if room.locked != locked:
            room.locked = locked
            room.save(update_fields=["locked"])
            event(room, "locked" if locked else "unlocked", by=host)
            audit(AuditAction.ROOM_LOCKED if locked else AuditAction.ROOM_UNLOCKED, room, host)
            broadcast.room_changed(room.pk)
    return room


@logged
def room_agree(*, participant_id: int, comfortable_recording: bool | None) -> Participant:
    """ROOM-7 and REC-6: the participant accepted the opening agreement; in a session booked
    to be recorded, a learner also said whether they are comfortable being recorded (a parent
    or carer answers for a child who joined on their link)."""
    with transaction.atomic():
        participant = Participant.objects.select_related("room", "invitation").get(
            pk=participant_id
        )
        room = locked_room(participant.room_id)
        participant.room = room
        if participant.presence != Presence.ADMITTED:
            raise PermissionDenied("Wait until the host lets you in.")
        participant.agreed_at = timezone.now()
        participant.save(update_fields=["agreed_at"])
        event(room, "agreed", participant=participant)
        if room.session.recording_enabled and comfortable_recording is not None:
            learners = comfort.answers_for(participant, present=comfort.in_the_room(room))
            comfort.record_comfort(
                room, participant, learners, comfortable_recording, how="agreement"
            )
        broadcast.person_changed(room, participant)
    return participant
