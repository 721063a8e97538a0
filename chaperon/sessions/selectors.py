"""Reads of sessions, scoped to what the viewer may see."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from chaperon.people.models import User

from .models import ApprovedPlatform, ExceptionStatus, Session, SessionException, SessionStatus
from .permissions import oversees
from .services import approver_role


def session_list_visible_to(viewer: User, *, include_past: bool = False) -> QuerySet[Session]:
    """Sessions the viewer organises or takes part in; all of them for those who oversee."""
    sessions = Session.objects.filter(organisation_id=viewer.organisation_id)
    if not oversees(viewer):
        sessions = sessions.filter(Q(organiser=viewer) | Q(staff=viewer)).distinct()
    if not include_past:
        sessions = sessions.filter(start__gte=timezone.now() - timedelta(hours=2))
    return sessions.select_related("organiser").prefetch_related("learners").order_by("start")


def flagged_sessions_for(viewer: User) -> QuerySet[Session]:
    return session_list_visible_to(viewer).filter(
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


def platforms_of(viewer: User) -> QuerySet[ApprovedPlatform]:
    return ApprovedPlatform.objects.filter(organisation_id=viewer.organisation_id).order_by("name")


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
