"""In the call: chat kept with the session, screen sharing (the host's only, ROOM-4), and
checking signalling before it is relayed."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged

from .. import broadcast
from ..models import Media, Participant, Presence, Room, RoomEvent
from ..screening import screen
from .common import audit, event, in_call, refused_once
from .holding import CHAT_KINDS, chat_hold, chat_keep

CHAT_MAX = 2000
CHAT_PER_MINUTE = 20


@logged
def room_chat(*, participant_id: int, text: str) -> RoomEvent:
    """A chat message, kept with the session (the DSL reads it on the room log). At most
    ``CHAT_MAX`` characters, and ``CHAT_PER_MINUTE`` messages a minute from one person.
    Screened before anyone sees it (ORG-5, INC-1): graded 4 or 5, it is held back and goes to
    the DSL as a concern (``holding``); otherwise it is relayed, its screening kept."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": "write a message"})
    if len(text) > CHAT_MAX:
        raise ValidationFailed(
            {"text": f"keep a message to {CHAT_MAX} characters; this one has {len(text)}"}
        )
    screening = screen(text)  # before the lock: nothing else waits on it
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update().select_related("room").get(pk=participant_id)
        )
        if participant.presence != Presence.ADMITTED or participant.room.ended_at is not None:
            raise PermissionDenied("Only people in the room can chat.")
        recent = RoomEvent.objects.filter(
            kind__in=CHAT_KINDS,
            participant=participant,
            at__gt=timezone.now() - timedelta(minutes=1),
        )
        if recent.count() >= CHAT_PER_MINUTE:
            raise ValidationFailed(
                {
                    "text": f"you have sent {CHAT_PER_MINUTE} messages in the last minute, the "
                    "most the chat takes: wait a moment, then send it again"
                }
            )
        if screening.held:
            return chat_hold(participant, text, screening)
        message = chat_keep(participant, text, screening)
        broadcast.room_relay(
            participant.room_id,
            {
                "type": "chat",
                "id": message.pk,
                "from": participant.pk,
                "name": participant.display_name,
                "text": text,
                "at": message.at.isoformat(),
            },
        )
    return message


@logged
def room_screen_share(*, participant_id: int, on: bool) -> None:
    """ROOM-4: only the host shares a screen. A participant's attempt is refused, recorded
    and never relayed."""
    participant = Participant.objects.select_related("room__session").get(pk=participant_id)
    room = participant.room
    if not participant.is_host:
        refuse_screen_share(room, participant, how="share-screen")
    with transaction.atomic():
        event(room, "screen_share", participant=participant, on=on)
        broadcast.room_relay(room.pk, {"type": "screen", "from": participant.pk, "on": on})


@logged
def room_flooded(*, participant_id: int) -> None:
    """A connection that kept sending beyond its limit is being closed (docs/rooms.md):
    recorded once, as it closes once."""
    with transaction.atomic():
        participant = Participant.objects.select_related("room__session").get(pk=participant_id)
        room = participant.room
        event(room, "too_many_messages", participant=participant, epoch=participant.epoch)
        audit(
            AuditAction.ROOM_TOO_MANY_MESSAGES,
            room,
            participant,
            data={"participant": participant.pk},
        )


def refuse_screen_share(room: Room, participant: Participant, *, how: str) -> None:
    """Record the attempt (committed; once per connection and way), then refuse. Call it
    outside any transaction."""
    with transaction.atomic():
        refused_once(
            room,
            participant,
            "screen_share_refused",
            AuditAction.ROOM_SCREEN_SHARE_REFUSED,
            how=how,
        )
    raise PermissionDenied("Participants cannot share their screen in this room.")


def video_senders(sdp: str) -> int:
    """How many video sections of a session description send video."""
    count, in_video, sending = 0, False, False
    for line in [*sdp.splitlines(), "m=end"]:
        if line.startswith("m="):
            count += in_video and sending
            in_video, sending = line.startswith("m=video"), True
        elif line.strip() in ("a=recvonly", "a=inactive"):
            sending = False
    return count


@logged
def signal_target(*, participant_id: int, to: int, payload: dict[str, Any]) -> str:
    """Check a signalling message (offer, answer, ICE candidate) and return the channel to
    relay it to. Both people must be in the call; a participant may send one camera and
    nothing labelled a screen (ROOM-4)."""
    sender = Participant.objects.select_related("room__session").get(pk=participant_id)
    room = sender.room
    if room.media == Media.SFU:  # no way around the class layout, browser to browser
        raise PermissionDenied("This room's media goes through the media server.")
    if room.started_at is None or room.ended_at is not None:
        raise PermissionDenied("The call has not started.")
    target = Participant.objects.filter(room=room, pk=to).first()
    if not (sender.presence == Presence.ADMITTED and target and in_call(target)):
        raise PermissionDenied("Both people must be in the call.")
    if not in_call(sender):
        raise PermissionDenied("Accept the agreement first.")
    if not sender.is_host:
        kinds = payload.get("tracks") or {}
        description = payload.get("description") or {}
        sdp = description.get("sdp", "") if isinstance(description, dict) else ""
        if (isinstance(kinds, dict) and "screen" in kinds.values()) or video_senders(str(sdp)) > 1:
            refuse_screen_share(room, sender, how="offer")
    return target.channel_name
