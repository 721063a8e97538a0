"""Reads of sessions, scoped to what the viewer may see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.people.models import User

from .models import (
    LONGEST,
    ExceptionStatus,
    Invitation,
    Session,
    SessionAttendance,
    SessionException,
    SessionStatus,
)
from .permissions import access_session, oversees
from .services import approver_role

# Sessions still to take place (or taking place now), unless their time has passed.
UPCOMING = (SessionStatus.AWAITING_EXCEPTION, SessionStatus.BOOKED, SessionStatus.OPEN)
RECENT_DAYS = 30
RECENT_LIMIT = 20


def _visible(viewer: User) -> QuerySet[Session]:
    sessions = Session.objects.filter(organisation_id=viewer.organisation_id)
    if not oversees(viewer):
        # A subquery, not a join: no DISTINCT over the organisation's sessions, and each side
        # is read through its own index (the organiser's, the staff table's user column).
        taking_part = Session.staff.through.objects.filter(user=viewer).values("session_id")
        sessions = sessions.filter(Q(organiser=viewer) | Q(pk__in=taking_part))
    return sessions


def _not_finished(sessions: QuerySet[Session], now: datetime) -> QuerySet[Session]:
    """Those whose room has not ended and whose booked end has not passed (as
    ``Session.has_ended``). Only sessions that started within the longest length a session
    may have can be under way: their ends are worked out here."""
    candidates = sessions.filter(start__gt=now - LONGEST).exclude(ended_at__lte=now)
    started = candidates.filter(start__lte=now).values_list("pk", "start", "duration_minutes")
    ended = [pk for pk, start, minutes in started if start + timedelta(minutes=minutes) <= now]
    return candidates.exclude(pk__in=ended)


def session_list_visible_to(viewer: User, *, include_past: bool = False) -> QuerySet[Session]:
    """Sessions the viewer organises or takes part in; all of them for those who oversee.
    Without ``include_past``, only those still to come or under way: none cancelled, refused
    or ended."""
    sessions = _visible(viewer)
    if not include_past:
        sessions = _not_finished(sessions.filter(status__in=UPCOMING), timezone.now())
    return sessions.select_related("organiser").prefetch_related("learners").order_by("start")


SESSION_SEARCH_MAX_CHARACTERS = 100
SESSION_SEARCH_MAX_WORDS = 8


@dataclass(frozen=True)
class SessionFilters:
    organiser: str = ""  # words of the organiser's name
    kind: str = ""
    start_from: date | None = None  # the organisation's days
    start_to: date | None = None
    flagged: bool = False  # no longer allowed by the policy
    include_past: bool = False  # ended, cancelled and refused too


def sessions_found(viewer: User, filters: SessionFilters) -> QuerySet[Session]:
    """The sessions the viewer may see (``session_list_visible_to``) that match ``filters``:
    upcoming ones soonest first, or with ``include_past`` every one, newest first."""
    sessions = session_list_visible_to(viewer, include_past=filters.include_past)
    for word in filters.organiser.split()[:SESSION_SEARCH_MAX_WORDS]:
        sessions = sessions.filter(organiser__full_name__icontains=word)
    if filters.kind:
        sessions = sessions.filter(kind=filters.kind)
    zone = viewer.organisation.zone
    if filters.start_from:
        sessions = sessions.filter(start__gte=datetime.combine(filters.start_from, time.min, zone))
    if filters.start_to:
        day_after = filters.start_to + timedelta(days=1)
        sessions = sessions.filter(start__lt=datetime.combine(day_after, time.min, zone))
    if filters.flagged:
        sessions = sessions.filter(flagged=True)
    return (
        sessions.order_by("-start", "-id")
        if filters.include_past
        else sessions.order_by("start", "id")
    )


def recent_sessions_for(viewer: User) -> list[Session]:
    """The viewer's sessions of the last ``RECENT_DAYS`` days (or later) that have ended, were
    cancelled or were refused, newest first (at most ``RECENT_LIMIT``)."""
    now = timezone.now()
    visible = _visible(viewer).filter(start__gte=now - timedelta(days=RECENT_DAYS))
    upcoming = _not_finished(visible.filter(status__in=UPCOMING), now)
    sessions = (
        visible.exclude(pk__in=upcoming.values("pk"))
        .select_related("organiser", "organisation")
        .prefetch_related("learners")
        .order_by("-start")
    )
    return list(sessions[:RECENT_LIMIT])


def flagged_sessions_for(viewer: User) -> QuerySet[Session]:
    return flagged_among(session_list_visible_to(viewer))


def flagged_among(upcoming: QuerySet[Session]) -> QuerySet[Session]:
    """Those of ``upcoming`` (from ``session_list_visible_to``) no longer allowed."""
    return upcoming.filter(
        flagged=True, status__in=[SessionStatus.BOOKED, SessionStatus.AWAITING_EXCEPTION]
    )


def exceptions_awaiting(viewer: User) -> list[SessionException]:
    """Exceptions the viewer may decide: pending, in their organisation, not their own."""
    pending = (
        SessionException.objects.filter(
            status=ExceptionStatus.PENDING, session__organisation_id=viewer.organisation_id
        )
        .exclude(requested_by=viewer)
        .exclude(session__organiser=viewer)
        .select_related("session__organisation", "session__organiser", "requested_by")
    )
    return [
        exception for exception in pending if approver_role(viewer, exception.session) is not None
    ]


# The longest a session can last (the policy allows at most 8 hours): how far back to look
# for sessions that started but have not ended.
_LONGEST_SESSION = timedelta(hours=8)


def upcoming_sessions_of_learners(learner_ids: list[int], *, limit: int = 50) -> list[Session]:
    """Booked and open sessions of these learners that have not ended, soonest first, with
    their learners. For a page the caller has already limited to these learners (a parent's
    family page): no viewer is checked here."""
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            learners__in=learner_ids,
            status__in=[SessionStatus.BOOKED, SessionStatus.OPEN],
            start__gte=now - _LONGEST_SESSION,
        )
        .select_related("organiser")
        .prefetch_related("learners")
        .distinct()
        .order_by("start", "id")[:limit]
    )
    return [session for session in sessions if session.end > now]


def session_preparation_for(viewer: User, session_id: int) -> Session:
    """A session with its risk assessment, conversation plan and crisis plan, for its staff and
    those who oversee sessions (audited: the plans may say much about a learner)."""
    session = access_session(viewer, session_id)
    record(action=AuditAction.SESSION_PREPARATION_VIEWED, actor=viewer, obj=session)
    return session


def session_figures_by_organisation(
    organisation_ids: list[int], *, since: datetime, until: datetime
) -> dict[int, dict[str, int]]:
    """For each organisation, its sessions booked (or held) that start in [since, until) and
    how many of them the policy flagged: {"sessions", "flagged"}. Counts only, one query, for
    organisations the caller has already found the viewer may see (a trust's figures)."""
    rows = (
        Session.objects.filter(
            organisation_id__in=organisation_ids,
            start__gte=since,
            start__lt=until,
            status__in=UPCOMING,
        )
        .values("organisation_id")
        .annotate(sessions=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
    )
    return {
        row["organisation_id"]: {"sessions": row["sessions"], "flagged": row["flagged"]}
        for row in rows
    }


@dataclass(frozen=True)
class SessionFigures:
    """What the board reads of the sessions of a period: counts only (ORG-6)."""

    held: int
    flagged: int
    exceptions: dict[str, int]  # decided in the period, by status


@dataclass(frozen=True)
class GrantedException:
    """An exception approved: when, by whom and in what role, what it covered. Never the
    session's title or the reason given, which can name a learner."""

    decided_at: datetime
    decided_by: str
    decided_role: str
    requested_by: str
    session_kind: str
    covers: list[str]


def session_figures(organisation_id: int, *, since: datetime, until: datetime) -> SessionFigures:
    """Sessions booked or held that start in [since, until), how many the policy flagged, and
    the exceptions decided in the period by their decision. Two aggregate queries."""
    sessions = Session.objects.filter(
        organisation_id=organisation_id,
        start__gte=since,
        start__lt=until,
        status__in=[SessionStatus.BOOKED, SessionStatus.OPEN],
    ).aggregate(held=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
    exceptions = (
        SessionException.objects.filter(
            session__organisation_id=organisation_id,
            decided_at__gte=since,
            decided_at__lt=until,
        )
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return SessionFigures(
        held=sessions["held"],
        flagged=sessions["flagged"],
        exceptions={row["status"]: row["count"] for row in exceptions},
    )


def exceptions_granted(
    organisation_id: int, *, since: datetime, until: datetime
) -> list[GrantedException]:
    """The exceptions approved in [since, until), oldest first, with who approved them."""
    rows = (
        SessionException.objects.filter(
            session__organisation_id=organisation_id,
            status=ExceptionStatus.APPROVED,
            decided_at__gte=since,
            decided_at__lt=until,
        )
        .select_related("decided_by", "requested_by", "session")
        .order_by("decided_at", "pk")
    )
    return [
        GrantedException(
            decided_at=row.decided_at,
            decided_by=row.decided_by.full_name if row.decided_by else "",
            decided_role=row.decided_role_label,
            requested_by=row.requested_by.full_name,
            session_kind=str(row.session.get_kind_display()),
            covers=[str(rule) for rule in row.covers],
        )
        for row in rows
        if row.decided_at is not None
    ]


def group_sessions_for(viewer: User, group_id: int) -> list[Session]:
    """The sessions still to come booked for a class that the viewer may see."""
    return list(session_list_visible_to(viewer).filter(group_id=group_id)[:RECENT_LIMIT])


# For subject access (ORG-7): the sessions a person was in and their attendance, read by a
# service that has already checked the DSL's permission and the person's organisation.


def sessions_of_person(
    *, learner_id: int | None = None, user_id: int | None = None
) -> list[Session]:
    """The sessions a learner or a member of staff was booked into, oldest first, with their
    learners and staff."""
    who = Q(learners__id=learner_id) if learner_id is not None else Q(staff__id=user_id)
    return list(
        Session.objects.filter(who)
        .distinct()
        .select_related("organiser")
        .prefetch_related("learners", "staff")
        .order_by("start", "id")
    )


def attendance_of_person(
    *, learner_id: int | None = None, guardian_id: int | None = None, user_id: int | None = None
) -> list[SessionAttendance]:
    """Each stay of the person in a live room, oldest first."""
    if user_id is not None:
        who = Q(user_id=user_id)
    else:
        role, person = (
            (Invitation.Role.LEARNER, learner_id)
            if learner_id is not None
            else (Invitation.Role.GUARDIAN, guardian_id)
        )
        who = Q(invitation__role=role, invitation__person_id=person)
    return list(
        SessionAttendance.objects.filter(who).select_related("session").order_by("joined_at", "id")
    )
