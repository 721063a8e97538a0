"""Who may read, write and amend a meeting record (LOG-1, LOG-2).

A record is read only by those who need it: the session's staff, the DSL and deputies, and the
organiser's line manager. Anyone else, in the organisation or not, is told there is no such
record.
"""

from chaperon.people.models import StaffMember, User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission
from chaperon.sessions.models import Session
from chaperon.sessions.permissions import is_host, takes_part

# What anyone who may not read a record is told, in the organisation or not.
NO_SUCH_RECORD = "No such meeting record."


def line_manager_of(user: User) -> User | None:
    member = (
        StaffMember.objects.filter(user_id=user.pk).select_related("line_manager__user").first()
    )
    if member is None or member.line_manager is None:
        return None
    return member.line_manager.user


def may_read_record(user: User, session: Session) -> bool:
    """The session's staff, the DSL and deputies, and the organiser's line manager."""
    if not user.is_active or session.organisation_id != user.organisation_id:
        return False
    if can(user, Permission.READ_MEETING_RECORDS):
        return True
    if takes_part(user, session):
        return True
    manager = line_manager_of(session.organiser)
    return manager is not None and manager.pk == user.pk


def may_write_record(user: User, session: Session) -> bool:
    """The record is the host's to write: the session's organiser."""
    return (
        user.is_active
        and session.organisation_id == user.organisation_id
        and is_host(user, session)
    )


def may_amend_record(user: User, session: Session) -> bool:
    """The host, and the DSL and deputies, amend a record (always with a reason)."""
    return may_write_record(user, session) or (
        session.organisation_id == user.organisation_id
        and can(user, Permission.AMEND_MEETING_RECORDS)
    )
