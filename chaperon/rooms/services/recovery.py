"""A room whose server stopped (the process died, the machine restarted): its rows still say
who was connected and that it was recording, but no connection is alive. The next connection
to arrive sets the room straight before it comes in."""

from datetime import datetime, timedelta

from django.utils import timezone

from chaperon.audit.actions import AuditAction

from ..models import Participant, Presence, RecordingState, Room
from .common import audit, close_stay, event

# No tick for this long: no server process holds a connection to the room (they tick every
# second while they do).
SILENT_AFTER = timedelta(seconds=15)


def recover_if_silent(room: Room, *, now: datetime | None = None) -> bool:
    """With the room locked: if no server has ticked it for ``SILENT_AFTER``, everyone marked
    connected is disconnected (their stay in the attendance ends) and a recording under way is
    stopped as interrupted (its tracks are closed where they stand). Then the room counts as
    ticked. Returns whether anything was set straight."""
    now = now or timezone.now()
    silent = room.ticked_at is None or now - room.ticked_at > SILENT_AFTER
    room.ticked_at = now
    room.save(update_fields=["ticked_at"])
    stale = list(Participant.objects.filter(room=room, connected=True))
    if not silent or not (stale or room.recording_state != RecordingState.OFF):
        return False
    for participant in stale:
        participant.room = room
        participant.connected = False
        participant.channel_name = ""
        if participant.presence == Presence.WAITING:
            participant.presence = Presence.LEFT
        close_stay(participant)
        participant.save()
    event(room, "server_stopped", connections=len(stale), recording=room.recording_state)
    if room.recording_state != RecordingState.OFF:
        _recording_interrupted(room)
    return True


def _recording_interrupted(room: Room) -> None:
    from . import recorder  # the recorder builds on these services

    room.recording_state = RecordingState.OFF
    room.recording_paused_for = ""
    room.save(update_fields=["recording_state", "recording_paused_for"])
    Participant.objects.filter(room=room).update(track_id=None, gap_since=None)
    event(room, "recording_interrupted", recording=room.recording_id)
    audit(AuditAction.ROOM_RECORDING_INTERRUPTED, room, None, data={"recording": room.recording_id})
    recorder.finish_after_commit(room)
