"""The days and times agreed for 1:1 sessions (SES-1), in the organisation's local time."""

import re
from collections.abc import Iterable, Mapping

from chaperon.core.exceptions import ValidationFailed

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

type Slot = dict[str, object]


def normalise_slots(slots: Iterable[Mapping[str, object]]) -> list[Slot]:
    """Each slot as ``{"days": [...], "from": "HH:MM", "to": "HH:MM"}``, days in week order.
    Raises ``ValidationFailed`` naming the slot and what to fix."""
    result: list[Slot] = []
    for number, slot in enumerate(slots, start=1):
        raw_days = slot.get("days")
        days = [str(day) for day in raw_days] if isinstance(raw_days, list | tuple) else []
        start, end = str(slot.get("from", "")), str(slot.get("to", ""))
        field = f"slot{number}"
        if not days or any(day not in DAYS for day in days):
            raise ValidationFailed({field: "choose at least one day of the week"})
        if not _TIME.match(start) or not _TIME.match(end):
            raise ValidationFailed({field: "give the start and end times as HH:MM, e.g. 16:00"})
        if start >= end:
            raise ValidationFailed({field: "the end time must be later than the start time"})
        result.append({"days": [day for day in DAYS if day in days], "from": start, "to": end})
    return result


def describe_slots(slots: Iterable[Mapping[str, object]]) -> str:
    """Slots in words: "Monday, Wednesday 16:00 to 17:00; Saturday 10:00 to 11:00"."""
    parts = []
    for slot in slots:
        raw_days = slot.get("days")
        days = raw_days if isinstance(raw_days, list) else []
        names = ", ".join(DAY_NAMES.get(str(day), str(day)) for day in days)
        parts.append(f"{names} {slot.get('from')} to {slot.get('to')}")
    return "; ".join(parts)
