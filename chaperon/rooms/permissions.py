"""Who may come to a room's door: staff of the session signed in, or someone who entered
their invitation's passcode in this browser session. Everyone else is turned away."""

from dataclasses import dataclass
from typing import Any

from chaperon.accounts.session import SECOND_FACTOR_KEY
from chaperon.core.cases import is_suspended
from chaperon.people.models import User
from chaperon.policy.models import BUILTIN_PLATFORM
from chaperon.sessions.attendance import latest_pre_call_check
from chaperon.sessions.models import Invitation, Session, SessionStatus
from chaperon.sessions.permissions import is_host, may_see, takes_part

from .models import Room

# Django session key: {str(session id): invitation id} for each passcode entered.
ENTRIES_KEY = "room_entries"
ENTERABLE = (SessionStatus.BOOKED, SessionStatus.OPEN)


@dataclass(frozen=True)
class Entrant:
    session: Session
    display_name: str
    role: str
    user: User | None = None
    invitation: Invitation | None = None

    @property
    def is_host(self) -> bool:
        return self.user is not None and is_host(self.user, self.session)


def is_session_staff(user: User, session: Session) -> bool:
    """Staff of the session, unless suspended from sessions (an allegation is looked into:
    they are turned away like anyone not expected, and not told why)."""
    return (
        user.is_active
        and user.organisation_id == session.organisation_id
        and takes_part(user, session)
        and not is_suspended(user.pk)
    )


def needs_pre_call_check(entrant: Entrant) -> bool:
    """SES-14: a member of staff comes into the session's room only after checking their
    camera, microphone and setting for it; learners and parents or carers never check. The
    room's page sends them to the check and its WebSocket refuses them: one rule for both."""
    return entrant.user is not None and not latest_pre_call_check(
        session_id=entrant.session.pk, user_id=entrant.user.pk
    )


def may_go_to_room(user: Any, session: Session) -> bool:
    """The session page's "Go to the live room": for the session's staff, while the session is
    booked or open in Chaperon's own room and its room has not ended."""
    return (
        isinstance(user, User)
        and session.status in ENTERABLE
        and session.platform == BUILTIN_PLATFORM
        and is_session_staff(user, session)
        and not Room.objects.filter(pk=session.pk, ended_at__isnull=False).exists()
    )


def may_read_log(user: Any, session: Session) -> bool:
    """The room log of a session in Chaperon's own room: the session's staff and those who
    oversee sessions (the DSL among them), as for the session itself (``access_session``,
    which the log view uses)."""
    return (
        isinstance(user, User)
        and user.is_active
        and session.platform == BUILTIN_PLATFORM
        and may_see(user, session)
    )


def _signed_in_staff(user: Any, django_session: Any) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.needs_second_factor and not django_session.get(SECOND_FACTOR_KEY):
        return None
    return user if isinstance(user, User) else None


def entrant_for(*, user: Any, django_session: Any, session_id: int) -> Entrant | None:
    """Who this connection is for ``session_id``, or None if they may not come to the door.
    A name is never taken from the request: it is the staff record's or the invitation's."""
    session = (
        Session.objects.select_related("organisation", "organiser")
        .filter(pk=session_id, status__in=ENTERABLE)
        .first()
    )
    if session is None:
        return None
    staff = _signed_in_staff(user, django_session)
    if staff is not None and is_session_staff(staff, session):
        return Entrant(session, staff.full_name, Invitation.Role.STAFF, user=staff)
    entries = django_session.get(ENTRIES_KEY, {}) if django_session is not None else {}
    invitation_id = entries.get(str(session_id))
    if invitation_id is None:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id, session=session).first()
    if invitation is None or invitation.role == Invitation.Role.STAFF:
        return None
    return Entrant(session, invitation.display_name, invitation.role, invitation=invitation)
