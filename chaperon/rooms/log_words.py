"""The room log in words: what each event was and its details as people read them, never the
ids the room keeps to link one record to another."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chaperon.people.models import Learner, User
from chaperon.sessions.models import Invitation

from .models import RoomEvent
from .screening import described

WHAT = {
    "agreed": "Accepted the opening agreement",
    "admitted": "Let in",
    "chat": "Chat",
    "chat_held": "Chat held back by the screening: not sent",
    "comfort_answered": "Answered: comfortable being recorded?",
    "comfort_asked": "Asked whether comfortable being recorded",
    "device_replaced": "Left: the host let in the same link on another device",
    "disconnected": "Connection lost",
    "ended": "Session ended",
    "extended": "Session made longer",
    "extension_asked": "More time asked for",
    "extension_refused": "More time refused",
    "joined": "Arrived",
    "left": "Left",
    "locked": "Room locked",
    "muted": "Muted",
    "passcode_refused": "Wrong passcode",
    "recording_interrupted": "Recording interrupted",
    "recording_paused": "Recording paused",
    "recording_started": "Recording started",
    "recording_stopped": "Recording stopped",
    "refused": "Refused entry",
    "refused_locked": "Refused: the room is locked",
    "removed": "Removed",
    "screen_share": "Screen sharing",
    "second_device": "Same link on a second device: waiting",
    "server_stopped": "The server stopped while people were connected",
    "staff_alone": "One member of staff left alone",
    "started": "Session started",
    "time_warning": "Five-minute warning",
    "turned_out": "Taken out: may no longer take part",
    "too_many_messages": "Too many messages: some were dropped",
    "track_gap_noticed": "Gap in a recorded track",
    "unlocked": "Room unlocked",
}

END_REASONS = {
    "host": "ended by the host",
    "time": "the time limit was reached",
    "host_turned_out": "the host may no longer take part",
}
WHY_TURNED_OUT = {
    "staff_may_not_take_part": "left the organisation or suspended from sessions",
    "learner_left": "left the organisation",
}


def _yes_no(yes: str, no: str) -> Callable[[Any], str]:
    return lambda value: yes if value else no


def _minutes(value: Any) -> str:
    return f"{value} minute{'' if value == 1 else 's'}"


# What a detail means, for the keys the room writes; a key not named here is an id or an
# internal counter and is not shown.
DETAILS: dict[str, Callable[[Any], str]] = {
    "rejoined": _yes_no("came back", ""),
    "comfortable": _yes_no("yes", "no"),
    "on": _yes_no("started", "stopped"),
    "adult_present": lambda value: (
        "" if isinstance(value, dict) else _yes_no("adult present", "")(value)
    ),
    "minutes": _minutes,
    "minutes_left": lambda value: f"{_minutes(value)} left",
    "remaining": lambda value: f"staff still in the room: {value}",
    "connections": lambda value: f"connections closed: {value}",
    "reason": lambda value: END_REASONS.get(str(value), str(value)),
    "why": lambda value: WHY_TURNED_OUT.get(str(value), str(value)),
    "refused_by": lambda value: f"refused by {value}",
    "how": str,
    "screening": lambda value: described(value) if isinstance(value, dict) else "",
    "concern": lambda value: f"concern {value} raised",
}


@dataclass(frozen=True)
class LogLine:
    at: datetime
    what: str
    who: str
    by: str
    details: str


def _names(events: list[RoomEvent]) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    def ids(key: str) -> set[int]:
        return {value for e in events if isinstance(value := e.data.get(key), int)}

    invitations = {
        invitation.pk: invitation.display_name
        for invitation in Invitation.every.filter(pk__in=ids("invitation"))
    }
    learners = {
        learner.pk: learner.full_name for learner in Learner.objects.filter(pk__in=ids("learner"))
    }
    approvers = {user.pk: user.full_name for user in User.objects.filter(pk__in=ids("approved_by"))}
    return invitations, learners, approvers


def _details(event: RoomEvent, names: tuple[Mapping[int, str], ...]) -> str:
    invitations, learners, approvers = names
    parts = [event.text] if event.text else []
    for key, value in event.data.items():
        if key == "invitation" and value in invitations:
            parts.append(f"link of {invitations[value]}")
        elif key == "learner" and value in learners:
            parts.append(f"about {learners[value]}")
        elif key == "approved_by" and value in approvers:
            parts.append(f"approved by {approvers[value]}")
        elif key in DETAILS:
            parts.append(DETAILS[key](value))
    return "; ".join(part for part in parts if part)


def log_lines(events: Iterable[RoomEvent]) -> list[LogLine]:
    """The events as the room log page shows them."""
    events = list(events)
    names = _names(events)
    return [
        LogLine(
            at=event.at,
            what=WHAT.get(event.kind, event.kind.replace("_", " ").capitalize()),
            who=event.participant.display_name if event.participant else "",
            by=event.by.display_name if event.by else "",
            details=_details(event, names),
        )
        for event in events
    ]
