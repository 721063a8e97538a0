"""Who was in a session's room and when: written by the live room as people are admitted and
leave, read by the meeting record (LOG-1) and the learner's chronology."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from chaperon.people.models import User

from .models import (
    ExceptionStatus,
    Invitation,
    PreCallCheck,
    Session,
    SessionAttendance,
    SessionException,
)


@dataclass(frozen=True)
class AttendanceEntry:
    name: str
    role: str
    joined_at: datetime
    left_at: datetime | None
    # Staff: when they did the pre-call check before this stay, and what it found (SES-14).
    pre_call_check: str = ""


@dataclass(frozen=True)
class PreCallResults:
    """What the pre-call check found and what the member of staff confirmed (SES-14)."""

    camera: bool
    microphone: bool
    signalling: bool
    relay: str
    not_bedroom: bool
    background_appropriate: bool
    applications_closed: bool
    # Background blur: chosen ("on"), offered and not chosen ("off"), or "unavailable".
    blur: str = PreCallCheck.Blur.UNAVAILABLE


def pre_call_check_recorded(
    *, session: Session, user: User, results: PreCallResults, at: datetime
) -> PreCallCheck:
    """Keep a pre-call check. The caller (the room) has checked that ``user`` is staff of the
    session and that the checklist is confirmed."""
    return PreCallCheck.objects.create(
        session=session,
        user=user,
        checked_at=at,
        camera=results.camera,
        microphone=results.microphone,
        signalling=results.signalling,
        relay=results.relay,
        blur=results.blur,
        not_bedroom=results.not_bedroom,
        background_appropriate=results.background_appropriate,
        applications_closed=results.applications_closed,
    )


def latest_pre_call_check(*, session_id: int, user_id: int) -> PreCallCheck | None:
    return (
        PreCallCheck.objects.filter(session_id=session_id, user_id=user_id)
        .order_by("-checked_at", "-id")
        .first()
    )


def pre_call_summary(check: PreCallCheck | None) -> str:
    if check is None:
        return ""
    found = [
        "camera working" if check.camera else "camera not working",
        "microphone heard" if check.microphone else "microphone not heard",
        "room server reached" if check.signalling else "room server not reached",
        check.get_relay_display(),
        "not a bedroom, background appropriate, other applications closed",
        check.get_blur_display().lower(),
    ]
    return f"pre-call check at {timezone.localtime(check.checked_at):%H:%M}: " + "; ".join(found)


def attendance_joined(
    *,
    session: Session,
    display_name: str,
    role: str,
    at: datetime,
    invitation: Invitation | None = None,
    user: User | None = None,
) -> SessionAttendance:
    """Record that someone was admitted to the room at ``at``, with a member of staff's latest
    pre-call check. The caller (the room) has already checked they may be there."""
    check = latest_pre_call_check(session_id=session.pk, user_id=user.pk) if user else None
    return SessionAttendance.objects.create(
        session=session,
        invitation=invitation,
        user=user,
        display_name=display_name,
        role=role,
        joined_at=at,
        pre_call_check=check,
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
            pre_call_check=pre_call_summary(stay.pre_call_check),
        )
        for stay in SessionAttendance.objects.filter(session=session).select_related(
            "pre_call_check"
        )
    ]
