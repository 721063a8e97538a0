"""iCalendar (RFC 5545) invitations and cancellations for a session. No Django, no I/O.

Times are written in the Europe/London time zone (with its VTIMEZONE, so calendar programs
show them right on both sides of a clock change) when the organisation is in that zone, and
in UTC otherwise. One event keeps one UID for its life; each change raises its SEQUENCE.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = "Europe/London"

_LONDON_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19810329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19961027T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    start: datetime  # aware
    duration: timedelta
    summary: str
    description: str
    location: str  # the personal join link
    organizer: Attendee
    attendees: Sequence[Attendee]
    time_zone: str = LONDON
    stamp: datetime | None = None  # when this version was made; now if not given


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value: quoted, with the characters a quoted value may not hold dropped."""
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current = b""
            limit = 74  # continuation lines begin with a space
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, moment: datetime, time_zone: str) -> str:
    if time_zone == LONDON:
        local = moment.astimezone(ZoneInfo(LONDON))
        return f"{name};TZID={LONDON}:{local.strftime('%Y%m%dT%H%M%S')}"
    return f"{name}:{_utc(moment)}"


def _event_lines(event: CalendarEvent, *, cancelled: bool) -> list[str]:
    stamp = event.stamp or datetime.now(UTC)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{_utc(stamp)}",
        _when("DTSTART", event.start, event.time_zone),
        _when("DTEND", event.start + event.duration, event.time_zone),
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"LOCATION:{escape_text(event.location)}",
        f"URL:{event.location}",
        f"ORGANIZER;CN={_param(event.organizer.name)}:mailto:{event.organizer.email}",
    ]
    for attendee in event.attendees:
        lines.append(
            f"ATTENDEE;CN={_param(attendee.name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{attendee.email}"
        )
    lines.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
    lines.append("END:VEVENT")
    return lines


def calendar(event: CalendarEvent, *, cancelled: bool = False) -> bytes:
    """The whole iCalendar object: METHOD:REQUEST for an invitation or update, CANCEL to
    withdraw it. CRLF line endings, folded lines, UTF-8."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Chaperon//Sessions//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
    ]
    if event.time_zone == LONDON:
        lines.extend(_LONDON_VTIMEZONE)
    lines.extend(_event_lines(event, cancelled=cancelled))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()
