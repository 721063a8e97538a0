"""Whether a staff member's DBS check, safeguarding training and acceptable-use agreement are
current (SES-10, ORG-2, ORG-3). Unknown dates are never current: the product fails closed."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from chaperon.core.pure.dates import add_years

from .models import Organisation, StaffMember

FACT_LABELS = {
    "dbs": "DBS check",
    "training": "Safeguarding training",
    "aup": "Acceptable use agreement",
}


class Status(StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    done_on: date | None
    valid_until: date | None
    status: Status


def staff_facts(staff: StaffMember, *, organisation: Organisation, today: date) -> list[Fact]:
    """Each check's status on ``today``, by the organisation's validity periods."""
    done = {
        "dbs": (staff.dbs_checked_on, organisation.dbs_valid_years),
        "training": (staff.safeguarding_training_on, organisation.training_valid_years),
        "aup": (staff.aup_signed_on, organisation.aup_valid_years),
    }
    warning_days = organisation.compliance_warning_days
    facts = []
    for key, (done_on, years) in done.items():
        valid_until = add_years(done_on, years) if done_on else None
        if valid_until is None:
            status = Status.MISSING
        elif valid_until < today:
            status = Status.EXPIRED
        elif valid_until <= today + timedelta(days=warning_days):
            status = Status.EXPIRING
        else:
            status = Status.CURRENT
        facts.append(Fact(key, FACT_LABELS[key], done_on, valid_until, status))
    return facts


def last_day_not_current(organisation: Organisation, years: int, today: date) -> date:
    """The latest day a check valid for ``years`` could have been done and not be current on
    ``today`` (expired, or expiring within the warning days): done any later, it is current.
    So the database can pick out current checks as ``done_on > this day``, agreeing with
    ``staff_facts`` on every day, 29 February included."""
    horizon = today + timedelta(days=organisation.compliance_warning_days)
    day = add_years(horizon, -years)
    while add_years(day + timedelta(days=1), years) <= horizon:
        day += timedelta(days=1)
    while add_years(day, years) > horizon:
        day -= timedelta(days=1)
    return day


def needs_attention(facts: list[Fact]) -> bool:
    return any(fact.status != Status.CURRENT for fact in facts)


def last_done_before(valid_until: date, years: int) -> date:
    """The latest day a check can have been done for it to lapse before ``valid_until``: a
    check done on day ``d`` is valid until ``add_years(d, years)``, which never goes back as
    ``d`` goes forward, so "valid until before X" is "done on or before this day". It lets the
    database count statuses with plain date comparisons, by the same rule as ``staff_facts``."""
    day = add_years(valid_until, -years)
    while add_years(day, years) >= valid_until:
        day -= timedelta(days=1)
    while add_years(day + timedelta(days=1), years) < valid_until:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class StatusBounds:
    """A check done on or before ``expired_by`` has expired; one done after it and on or
    before ``expiring_by`` is expiring; a later one is current."""

    expired_by: date
    expiring_by: date


def status_bounds(years: int, *, organisation: Organisation, today: date) -> StatusBounds:
    return StatusBounds(
        expired_by=last_done_before(today, years),
        expiring_by=last_day_not_current(organisation, years, today),
    )


# Each check: the StaffMember field holding the day it was done, and the Organisation field
# saying how many years it stays valid.
CHECK_FIELDS = {
    "dbs": ("dbs_checked_on", "dbs_valid_years"),
    "training": ("safeguarding_training_on", "training_valid_years"),
    "aup": ("aup_signed_on", "aup_valid_years"),
}
