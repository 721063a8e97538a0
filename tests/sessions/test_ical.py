from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from chaperon.sessions.ical import Attendee, CalendarEvent, calendar, escape_text, fold

ORGANISER = Attendee("Terry Finch", "terry@harbour.example")


def _event(**changes: object) -> CalendarEvent:
    fields: dict[str, object] = {
        "uid": "session-42@chaperon",
        "sequence": 0,
        "start": datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        "duration": timedelta(minutes=40),
        "summary": "Careers conversation, Robin",
        "description": "Join with your link; passcode 482913.\nA parent stays nearby.",
        "location": "https://chaperon.example/rooms/join/abc123",
        "organizer": ORGANISER,
        "attendees": [Attendee("Morgan Alder", "morgan@home.example")],
        "stamp": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return CalendarEvent(**fields)  # type: ignore[arg-type]


def _parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def test_an_invitation_parses_with_its_london_times() -> None:
    data = calendar(_event())
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    parsed = _parse(data)
    assert parsed["METHOD"] == "REQUEST"
    [event] = parsed.walk("VEVENT")
    assert event["UID"] == "session-42@chaperon"
    assert event["SEQUENCE"] == 0
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London"
    assert start == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # GMT in November
    assert event.decoded("DTEND") - start == timedelta(minutes=40)
    assert "passcode 482913" in str(event["DESCRIPTION"])
    assert "\n" in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == "mailto:morgan@home.example"
    [zone] = parsed.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"


@pytest.mark.parametrize(
    ("utc_start", "local_clock"),
    [
        (datetime(2026, 3, 30, 7, 45, tzinfo=UTC), "20260330T084500"),  # BST began the day before
        (datetime(2026, 10, 26, 8, 45, tzinfo=UTC), "20261026T084500"),  # GMT again
    ],
)
def test_local_times_follow_the_clock_change(utc_start: datetime, local_clock: str) -> None:
    data = calendar(_event(start=utc_start)).decode()
    assert f"DTSTART;TZID=Europe/London:{local_clock}" in data
    [event] = _parse(data.encode()).walk("VEVENT")
    assert event.decoded("DTSTART") == utc_start


def test_an_update_keeps_the_uid_and_raises_the_sequence_and_a_cancel_says_so() -> None:
    update = _parse(calendar(_event(sequence=1, start=datetime(2026, 11, 24, 10, tzinfo=UTC))))
    [event] = update.walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"]) == ("session-42@chaperon", 1)
    cancel = _parse(calendar(_event(sequence=2), cancelled=True))
    assert cancel["METHOD"] == "CANCEL"
    [event] = cancel.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2


def test_other_time_zones_are_written_in_utc() -> None:
    data = calendar(_event(time_zone="Asia/Tokyo")).decode()
    assert "DTSTART:20261123T100000Z" in data
    assert "VTIMEZONE" not in data


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "DESCRIPTION:" + "Café à la maison, " * 10
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode()) <= 75
    assert folded.replace("\r\n ", "") == line
    data = calendar(_event(description="Café à la maison. " * 20))
    [event] = _parse(data).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == ("Café à la maison. " * 20)


def test_text_is_escaped() -> None:
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    data = calendar(_event(summary="Maths; group, Year 9"))
    [event] = _parse(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Maths; group, Year 9"
