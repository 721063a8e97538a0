"""Who may book, see and change sessions. Other organisations' sessions are "not found".
Which roles book and oversee sessions is in the one table, ``people.roles.TABLE``."""

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


def require_booker(user: User | None) -> None:
    if user is not None and not may_book(user):
        raise PermissionDenied("Your role does not allow booking sessions.")


def takes_part(user: User, session: Session) -> bool:
    """The user organises the session or is one of its staff. Whether they belong to its
    organisation is the caller's to check."""
    return session.organiser_id == user.pk or session.staff.filter(pk=user.pk).exists()


def may_see(user: User, session: Session) -> bool:
    if session.organisation_id != user.organisation_id:
        return False
    return oversees(user) or takes_part(user, session)


def access_session(user: User, session_id: int) -> Session:
    """A session the user organises, takes part in, or oversees; otherwise "not found"."""
    session = (
        Session.objects.select_related("organisation", "organiser")
        .filter(pk=session_id, organisation_id=user.organisation_id)
        .first()
    )
    if session is None or not may_see(user, session):
        raise NotFound("No such session.")
    return session


def require_may_change(user: User | None, session: Session) -> None:
    """The organiser, or someone who oversees sessions, may reschedule or cancel."""
    if user is None:
        return
    if session.organisation_id != user.organisation_id:
        raise NotFound("No such session.")
    if not may_change(user, session):
        raise PermissionDenied("Only the organiser or a safeguarding lead can change this session.")


def require_host(user: User | None, session: Session) -> None:
    """Preparing and opening a session is for its organiser, who hosts it."""
    if user is None:
        return
    if session.organisation_id != user.organisation_id:
        raise NotFound("No such session.")
    if not is_host(user, session):
        raise PermissionDenied("Only the session's organiser can do this.")
