"""Who may book, see and change sessions. Other organisations' sessions are "not found".
Which roles book and oversee sessions is in the one table, ``people.roles.TABLE``."""

from collections.abc import Callable

from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission

from .models import Session


def may_book(user: User) -> bool:
    return can(user, Permission.BOOK_SESSIONS)


def oversees(user: User) -> bool:
    """Sees every session of the organisation, and may change any of them."""
    return can(user, Permission.OVERSEE_SESSIONS)


def is_host(user: User, session: Session) -> bool:
    """The session's organiser, who hosts it: prepares and opens it, writes its record."""
    return session.organiser_id == user.pk


def may_change(user: User, session: Session) -> bool:
    """The organiser, or someone who oversees sessions, may reschedule, change or cancel."""
    return session.organisation_id == user.organisation_id and (
        is_host(user, session) or oversees(user)
    )


def require_booker(user: User) -> None:
    if not may_book(user):
        raise PermissionDenied("Your role does not allow booking sessions.")


def takes_part(user: User, session: Session) -> bool:
    """The user organises the session or is one of its staff. Whether they belong to its
    organisation is the caller's to check."""
    return session.organiser_id == user.pk or session.staff.filter(pk=user.pk).exists()


def may_see(user: User, session: Session) -> bool:
    if session.organisation_id != user.organisation_id:
        return False
    return oversees(user) or takes_part(user, session)


def access_session(
    user: User,
    session_id: int,
    *,
    may: Callable[[User, Session], bool] = may_see,
    not_found: str = "No such session.",
) -> Session:
    """A session of the user's organisation that ``may(user, session)`` allows: by default one
    they organise, take part in, or oversee (a meeting record passes who may read it);
    otherwise "not found", saying ``not_found``."""
    session = (
        Session.objects.select_related("organisation", "organiser")
        .filter(pk=session_id, organisation_id=user.organisation_id)
        .first()
    )
    if session is None or not may(user, session):
        raise NotFound(not_found)
    return session


def require_may_change(user: User, session: Session) -> None:
    """The organiser, or someone who oversees sessions, may reschedule or cancel."""
    if session.organisation_id != user.organisation_id:
        raise NotFound("No such session.")
    if not may_change(user, session):
        raise PermissionDenied("Only the organiser or a safeguarding lead can change this session.")


def require_host(user: User, session: Session) -> None:
    """Preparing and opening a session is for its organiser, who hosts it."""
    if session.organisation_id != user.organisation_id:
        raise NotFound("No such session.")
    if not is_host(user, session):
        raise PermissionDenied("Only the session's organiser can do this.")
