"""The rules of the training register (ORG-3): who must take a course, how long a completion
stays valid, and the status of each member of staff for each course on a day.

A completion on day ``d`` of a course valid for ``N`` months is valid up to and including the
same day ``N`` months later (the month's last day when it is shorter); a course valid for 0
months never lapses. It is "expiring" from the organisation's ``compliance_warning_days``
before that day, as the staff list's checks are (``people.compliance``).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q

from chaperon.people.models import StaffMember, StaffRole, User
from chaperon.people.permissions import can, roles_holding
from chaperon.people.roles import Permission

from .models import CourseFor, CourseKind, TrainingCourse

# Who must take a course, by the permission of the table they hold (None: every member of
# staff). No role is named: those granted the permission are those the table says.
COURSE_FOR_PERMISSION: dict[str, Permission | None] = {
    CourseFor.EVERYONE: None,
    CourseFor.HANDLE_CONCERNS: Permission.HANDLE_CONCERNS,
}


def required_condition(course: TrainingCourse) -> Q:
    """The staff who must take ``course``, as a condition on ``StaffMember``: nobody, once
    it is retired."""
    if course.retired_on is not None:
        return Q(pk__in=[])
    permission = COURSE_FOR_PERMISSION.get(course.required_of)
    if permission is None:
        return Q()
    roles = roles_holding(course.organisation_id, permission)
    return Q(Exists(StaffRole.objects.filter(staff=OuterRef("pk"), role__in=list(roles))))


def must_take(user: User, course: TrainingCourse) -> bool:
    """Whether ``user`` must take ``course``, from their roles as already read for the
    request: no query (``required_condition`` says the same to the database)."""
    if course.retired_on is not None:
        return False
    permission = COURSE_FOR_PERMISSION.get(course.required_of)
    return permission is None or can(user, permission)


def staff_required_to_take(course: TrainingCourse) -> set[int]:
    """The ids of the organisation's staff (``StaffMember``) who must take ``course``."""
    return set(
        StaffMember.objects.filter(organisation_id=course.organisation_id)
        .filter(required_condition(course))
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class DefaultCourse:
    name: str
    kind: str
    valid_months: int
    required_of: str


DEFAULT_COURSES = (
    DefaultCourse("Induction", CourseKind.INDUCTION, 0, CourseFor.EVERYONE),
    DefaultCourse(
        "Annual safeguarding update", CourseKind.SAFEGUARDING_UPDATE, 12, CourseFor.EVERYONE
    ),
    DefaultCourse("Online safety", CourseKind.ONLINE_SAFETY, 12, CourseFor.EVERYONE),
    DefaultCourse("DSL training", CourseKind.DSL_TRAINING, 24, CourseFor.HANDLE_CONCERNS),
)


class TrainingStatus(models.TextChoices):
    CURRENT = "current", "Current"
    EXPIRING = "expiring", "Expiring soon"
    EXPIRED = "expired", "Expired"
    NEVER = "never", "Never done"
    NOT_REQUIRED = "not_required", "Not required"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), or the month's last day when it
    is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(completed_on: date, valid_months: int) -> date | None:
    """The last day a completion is valid, or None when it never lapses."""
    return add_months(completed_on, valid_months) if valid_months else None


def status_of(
    completed_on: date | None,
    *,
    valid_months: int,
    required: bool,
    today: date,
    warning_days: int,
) -> TrainingStatus:
    """The status on ``today`` of the latest completion (None: never done)."""
    if not required:
        return TrainingStatus.NOT_REQUIRED
    if completed_on is None:
        return TrainingStatus.NEVER
    until = valid_until(completed_on, valid_months)
    if until is None:
        return TrainingStatus.CURRENT
    if until < today:
        return TrainingStatus.EXPIRED
    if until <= today + timedelta(days=warning_days):
        return TrainingStatus.EXPIRING
    return TrainingStatus.CURRENT


def last_done_lapsing_before(day: date, valid_months: int) -> date:
    """The latest completion day whose validity ends before ``day``: a completion valid until
    ``add_months(d, N)`` never goes back as ``d`` goes forward, so "lapsed before X" is "done
    on or before this day", which the database compares as plain dates, by the rule of
    ``status_of`` on every day, 31sts and 29 February included."""
    done = add_months(day, -valid_months)
    while add_months(done, valid_months) >= day:
        done -= timedelta(days=1)
    while add_months(done + timedelta(days=1), valid_months) < day:
        done += timedelta(days=1)
    return done


@dataclass(frozen=True)
class Bounds:
    expired_by: date  # done on or before: expired
    expiring_by: date  # done on or before (and after expired_by): expiring


def bounds_for(valid_months: int, *, today: date, warning_days: int) -> Bounds:
    return Bounds(
        expired_by=last_done_lapsing_before(today, valid_months),
        expiring_by=last_done_lapsing_before(
            today + timedelta(days=warning_days + 1), valid_months
        ),
    )
