"""The door: its hours, and the passcode behind a personal join link (ROOM-2)."""

import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.dateformat import format as date_format

from chaperon.core.service_log import logged
from chaperon.sessions.models import Invitation, Session, SessionStatus

from ..models import Participant, PasscodeAttempts, Presence, Room
from . import sfu
from .common import RoomRefused, event


@logged
def door_hours(session: Session, room: Room | None) -> tuple[datetime, datetime]:
    """When the room lets people come to its door: from ``ROOM_OPENS_MINUTES_BEFORE`` before
    the start until the session's end, or the room's own end when it runs later (started late,
    or extended by the host)."""
    opens = session.start - timedelta(minutes=settings.ROOM_OPENS_MINUTES_BEFORE)
    closes = session.end
    if room is not None and room.ends_at is not None and room.ends_at > closes:
        closes = room.ends_at
    return opens, closes


@logged
def door_shut(
    session: Session, room: Room | None, *, now: datetime | None = None
) -> RoomRefused | None:
    """Why nobody may come to the door now (code ``early`` or ``ended``), or None while it is
    open. The times are in the organisation's time zone."""
    now = now or timezone.now()
    opens, closes = door_hours(session, room)
    zone = session.organisation.zone
    if now < opens:
        local = opens.astimezone(zone)
        minutes = settings.ROOM_OPENS_MINUTES_BEFORE
        return RoomRefused(
            "early",
            f"The room opens at {date_format(local, 'H:i')} on {date_format(local, 'l j F Y')}"
            f", {minutes} minute{'s' if minutes != 1 else ''} before the session starts. "
            "Come back then, with the same link.",
        )
    if now >= closes:
        local = closes.astimezone(zone)
        return RoomRefused(
            "ended",
            "The time for this session is over: the room closed at "
            f"{date_format(local, 'H:i')} on {date_format(local, 'l j F Y')}.",
        )
    return None


def _claim_a_try(invitation: Invitation) -> bool:
    """Take one of the link's passcode tries for this window, atomically: a conditional
    UPDATE of its counter (which the database serialises), never a read then a write."""
    now = timezone.now()
    PasscodeAttempts.objects.get_or_create(invitation=invitation, defaults={"window_started": now})
    window = timedelta(minutes=settings.ROOM_PASSCODE_WINDOW_MINUTES)
    attempts = PasscodeAttempts.objects.filter(invitation=invitation)
    attempts.filter(window_started__lte=now - window).update(window_started=now, failures=0)
    claimed = attempts.filter(failures__lt=settings.ROOM_PASSCODE_ATTEMPTS).update(
        failures=F("failures") + 1
    )
    return claimed == 1


def _give_back_the_try(invitation: Invitation) -> None:
    """The passcode was right: it does not count against the link."""
    PasscodeAttempts.objects.filter(invitation=invitation, failures__gt=0).update(
        failures=F("failures") - 1
    )


@logged
def room_enter(*, invitation: Invitation, passcode: str) -> None:
    """Check the passcode given with a personal join link. Wrong passcodes are limited per
    link; a locked room or an ended session lets nobody new in. The caller then remembers
    the entry in the browser's session."""
    session = invitation.session
    if session.status not in (SessionStatus.BOOKED, SessionStatus.OPEN):
        raise RoomRefused("closed", "This session is not open for joining.")
    shut = door_shut(session, Room.objects.filter(pk=session.pk).first())
    if shut is not None:
        raise shut
    if not _claim_a_try(invitation):
        raise RoomRefused(
            "attempts",
            "Too many wrong passcodes. Wait "
            f"{settings.ROOM_PASSCODE_WINDOW_MINUTES} minutes, or ask the person who invited you.",
        )
    room, _ = Room.objects.get_or_create(session=session, defaults=sfu.room_defaults(session))
    if not constant_time_equal(passcode.strip(), session.passcode):
        event(room, "passcode_refused", invitation=invitation.pk)
        raise RoomRefused(
            "passcode", "That passcode is not right. Check the passcode in your invitation."
        )
    _give_back_the_try(invitation)
    if room.ended_at is not None:
        raise RoomRefused("ended", "This session has ended.")
    admitted = Participant.objects.filter(
        room=room, invitation=invitation, presence=Presence.ADMITTED
    ).exists()
    if room.locked and not admitted:
        event(room, "refused_locked", invitation=invitation.pk)
        raise RoomRefused("locked", "The room is locked: nobody else can join now.")


def constant_time_equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
