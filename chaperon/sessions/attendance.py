"""Who was in a session's room and when: written by the live room as people are admitted and
leave, read by the meeting record (LOG-1) and the learner's chronology."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from chaperon.people.models import User

from .models import ExceptionStatus, Invitation, Session, SessionAttendance, SessionException


@dataclass(frozen=True)
class AttendanceEntry:
    name: str
    role: str
    joined_at: datetime
    left_at: datetime | None


def attendance_joined(
    *,
    session: Session,
    display_name: str,
    role: str,
    at: datetime,
    invitation: Invitation | None = None,
    user: User | None = None,
) -> SessionAttendance:
    """Record that someone was admitted to the room at ``at``. The caller (the room) has
    already checked they may be there."""
    return SessionAttendance.objects.create(
        session=session,
        invitation=invitation,
        user=user,
        display_name=display_name,
        role=role,
        joined_at=at,
    )


def attendance_left(*, stay_id: int, at: datetime) -> None:
    """Close a stay. Closing one already closed (or gone) keeps its first time."""
    SessionAttendance.objects.filter(pk=stay_id, left_at__isnull=True).update(left_at=at)


def session_room_ended(*, session_id: int, at: datetime) -> None:
    """The live room ended at ``at`` (the host ended it, or its time ran out): the session
    shows as ended and its meeting record may be written from then (LOG-1), even before its
    booked end. An exception still waiting for a decision (more time asked for in the room)
    is withdrawn: nothing is left to decide. Called by the room, in its transaction, when it
    ends; the first end counts."""
    Session.objects.filter(pk=session_id, ended_at__isnull=True).update(ended_at=at)
    SessionException.objects.filter(session_id=session_id, status=ExceptionStatus.PENDING).update(
        status=ExceptionStatus.WITHDRAWN, updated_at=timezone.now()
    )


def session_attendance(*, session: Session) -> list[AttendanceEntry]:
    """Every stay in the session's room, in the order people came in."""
    return [
        AttendanceEntry(
            name=stay.display_name,
            role=stay.role,
            joined_at=stay.joined_at,
            left_at=stay.left_at,
        )
        for stay in SessionAttendance.objects.filter(session=session)
    ]
