"""Calendar quarters in an organisation's own time (January to March is the first), for the
board's quarterly report (ORG-6)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from chaperon.people.models import Organisation

MONTHS = ("January", "April", "July", "October")
END_MONTHS = ("March", "June", "September", "December")
_KEY = re.compile(r"^(\d{4})-q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def short(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def label(self) -> str:
        return f"{MONTHS[self.number - 1]} to {END_MONTHS[self.number - 1]} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next_first_day(self) -> date:
        return self.following().first_day

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def following(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def bounds(self, organisation: Organisation) -> tuple[datetime, datetime]:
        """[start, end) as moments, midnight to midnight in the organisation's time."""
        zone = organisation.zone
        return (
            datetime.combine(self.first_day, time(0), tzinfo=zone),
            datetime.combine(self.next_first_day, time(0), tzinfo=zone),
        )


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_from_key(key: str) -> Quarter | None:
    """``2026-q4`` as a quarter, or None for anything else."""
    match = _KEY.match(key)
    return Quarter(int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True, order=True)
class SchoolYear:
    """The school year beginning in September of ``year``, for the annual review (ORG-6)."""

    year: int

    @property
    def key(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def short(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        return f"September {self.year} to August {self.year + 1}"

    @property
    def first_day(self) -> date:
        return date(self.year, 9, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + 1, 9, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    def previous(self) -> "SchoolYear":
        return SchoolYear(self.year - 1)

    def bounds(self, organisation: Organisation) -> tuple[datetime, datetime]:
        zone = organisation.zone
        return (
            datetime.combine(self.first_day, time(0), tzinfo=zone),
            datetime.combine(self.next_first_day, time(0), tzinfo=zone),
        )


def school_year_of(day: date) -> SchoolYear:
    return SchoolYear(day.year if day.month >= 9 else day.year - 1)


# A period the board's figures are counted over.
Period = Quarter | SchoolYear
