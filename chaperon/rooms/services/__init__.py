"""Every change to a live room: entry, admission, lock, start, time, removal, leaving, chat,
recording (``recorder``).

Each service checks that its actor may act (the WebSocket consumer only authenticates), writes
the room's state and its events, and the audit row where the change matters to safeguarding, in
one transaction; connections are told only after it commits (``broadcast``).
"""

from .calls import room_chat, room_flooded, room_screen_share, signal_target
from .comfort import room_ask_comfort, room_comfort_answer
from .common import RoomRefused, in_call, staff_in_room
from .door import door_hours, door_shut, room_enter
from .extensions import room_extend
from .precall import room_pre_call_check
from .presence import (
    AdmissionBlocked,
    room_admit,
    room_agree,
    room_connect,
    room_disconnect,
    room_leave,
    room_lock,
    room_mute,
    room_refuse,
    room_remove,
)
from .recorder import (
    TrackHolder,
    recording_chunk,
    recording_start,
    recording_stop,
    why_not_recordable,
)
from .sfu import (
    room_learners_see_each_other,
    room_spotlight,
    sfu_check_publish,
    sfu_published,
    sfu_ticket,
)
from .timing import room_end, room_start, room_tick, start_problems

__all__ = [
    "AdmissionBlocked",
    "RoomRefused",
    "TrackHolder",
    "door_hours",
    "door_shut",
    "in_call",
    "recording_chunk",
    "recording_start",
    "recording_stop",
    "room_admit",
    "room_agree",
    "room_ask_comfort",
    "room_chat",
    "room_comfort_answer",
    "room_connect",
    "room_disconnect",
    "room_end",
    "room_enter",
    "room_extend",
    "room_flooded",
    "room_learners_see_each_other",
    "room_leave",
    "room_lock",
    "room_mute",
    "room_pre_call_check",
    "room_refuse",
    "room_remove",
    "room_screen_share",
    "room_spotlight",
    "room_start",
    "room_tick",
    "sfu_check_publish",
    "sfu_published",
    "sfu_ticket",
    "signal_target",
    "staff_in_room",
    "start_problems",
    "why_not_recordable",
]
