"""School terms, as the trust overview counts sessions by them.

The terms are fixed, the same for every school: autumn from 1 September to the end of December,
spring from 1 January to the end of March, summer from 1 April to the end of August. Holidays
inside a term count as part of it; a school's own term dates are not known here."""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.utils import timezone

# Where terms begin and end: midnight in the United Kingdom.
ZONE = zoneinfo.ZoneInfo("Europe/London")
# (name, first month) in the order of the year.
_TERMS = (("Spring", 1), ("Summer", 4), ("Autumn", 9))


@dataclass(frozen=True)
class Term:
    name: str
    first_day: date
    next_term_starts: date

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next_term_starts.toordinal() - 1)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first_day, time(), ZONE).astimezone(UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.next_term_starts, time(), ZONE).astimezone(UTC)

    def __str__(self) -> str:
        return f"{self.name} term {self.first_day.year}"


def term_containing(day: date) -> Term:
    index = max(i for i, (_name, month) in enumerate(_TERMS) if month <= day.month)
    name, month = _TERMS[index]
    if index + 1 < len(_TERMS):
        following = date(day.year, _TERMS[index + 1][1], 1)
    else:
        following = date(day.year + 1, _TERMS[0][1], 1)
    return Term(name, date(day.year, month, 1), following)


def today_in_the_uk() -> date:
    return timezone.now().astimezone(ZONE).date()
