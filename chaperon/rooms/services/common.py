"""What the room's services share: the room locked for a change, its events and audit rows,
the host's and a participant's rows, and attendance stays."""

from typing import Any

from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import PUBLIC, SYSTEM, Actor
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.attendance import attendance_joined, attendance_left
from chaperon.sessions.models import Invitation

from .. import broadcast
from ..models import Participant, Presence, Room, RoomEvent


class RoomRefused(Exception):
    """The person may not come in now; ``code`` is part of the protocol (docs/rooms.md)."""

    refusal = True

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def event(
    room: Room,
    kind: str,
    *,
    participant: Participant | None = None,
    by: Participant | None = None,
    text: str = "",
    **data: Any,
) -> RoomEvent:
    return RoomEvent.objects.create(
        room=room,
        at=timezone.now(),
        kind=kind,
        participant=participant,
        by=by,
        text=text,
        data=data,
    )


def audit(action: AuditAction, room: Room, who: Participant | None, **kwargs: Any) -> None:
    """An audit row for the session, by the room itself (``who`` None) or someone in it; a
    learner or guardian acts under their invitation."""
    actor: Actor = SYSTEM if who is None else (PUBLIC if who.user is None else who.user)
    label = f"invitation {who.invitation_id}" if who is not None and who.user is None else ""
    record(action=action, actor=actor, actor_label=label, obj=room.session, **kwargs)


def refused_once(
    room: Room,
    who: Participant,
    kind: str,
    action: AuditAction,
    *,
    target: Participant | None = None,
    how: str = "",
    **data: Any,
) -> None:
    """An action of ``who`` (on ``target``, by way of ``how``) refused: on the room log and in
    the audit log once per connection of theirs (``epoch``), kind, target and way. A repeat
    only counts on that entry and keeps its latest details, so that a flood of one refused
    message leaves one audit row. Call it inside the transaction."""
    Participant.objects.select_for_update().filter(pk=who.pk).exists()  # one at a time
    seen = RoomEvent.objects.filter(
        room=room, kind=kind, by=who, participant=target, data__epoch=who.epoch, data__how=how
    ).first()
    if seen is not None:
        seen.data = {**seen.data, **data, "count": seen.data.get("count", 1) + 1}
        seen.save(update_fields=["data"])
        return
    event(room, kind, by=who, participant=target, epoch=who.epoch, how=how, count=1, **data)
    about = {"participant": target.pk} if target is not None else {}
    details = {key: value for key, value in data.items() if key != "problems"}
    audit(action, room, who, data={**about, **({"how": how} if how else {}), **details})


def locked_room(session_id: int) -> Room:
    return (
        Room.objects.select_for_update().select_related("session__organisation").get(pk=session_id)
    )


def host_of(session_id: int, actor: User) -> tuple[Room, Participant]:
    room = locked_room(session_id)
    host = Participant.objects.filter(room=room, user=actor, is_host=True).first()
    if host is None or host.presence != Presence.ADMITTED:
        raise PermissionDenied("Only the host can do this.")
    if room.ended_at is not None:
        raise ValidationFailed({"room": "the session has ended"})
    return room, host


def target_of(room: Room, participant_id: int) -> Participant:
    target = Participant.objects.filter(room=room, pk=participant_id).first()
    if target is None:
        raise ValidationFailed({"participant": "nobody with that id is in this room"})
    return target


def open_stay(participant: Participant) -> None:
    stay = attendance_joined(
        session=participant.room.session,
        display_name=participant.display_name,
        role=participant.role,
        at=timezone.now(),
        invitation=participant.invitation,
        user=participant.user,
    )
    participant.stay_id = stay.pk


def close_stay(participant: Participant) -> None:
    if participant.stay_id is not None:
        attendance_left(stay_id=participant.stay_id, at=timezone.now())
        participant.stay_id = None


def put_out(
    room: Room,
    target: Participant,
    *,
    kind: str,
    by: Participant | None,
    message: str,
    **data: Any,
) -> None:
    """Take ``target`` out of the room (ROOM-9): their stay ends, the room log and the audit log
    say so (``by`` the host, or None for the room itself), and their connection is told why and
    closed. Call it inside the transaction; the caller tells the room."""
    from . import sfu  # builds on these helpers

    target.presence = Presence.REMOVED
    close_stay(target)
    target.save()
    sfu.release(room, target)
    event(room, kind, participant=target, by=by, **data)
    audit(AuditAction.ROOM_REMOVED, room, by, data={"participant": target.pk, **data})
    broadcast.tell(target.channel_name, {"type": "removed", "message": message}, close=4403)


@logged
def staff_in_room(room: Room) -> list[Participant]:
    return list(
        Participant.objects.filter(
            room=room, role=Invitation.Role.STAFF, presence=Presence.ADMITTED, connected=True
        )
    )


@logged
def in_call(participant: Participant) -> bool:
    """Sends and receives media: in the room, connected, agreement accepted (the host opens
    the room and needs none)."""
    return (
        participant.presence == Presence.ADMITTED
        and participant.connected
        and (participant.is_host or participant.agreed_at is not None)
    )
