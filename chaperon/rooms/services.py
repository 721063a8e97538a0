"""Every change to a live room: entry, admission, lock, start, time, removal, leaving, chat.

Each service checks that its actor may act (the WebSocket consumer only authenticates), writes
the room's state and its events, and the audit row where the change matters to safeguarding, in
one transaction; connections are told only after it commits (``broadcast``).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.people.models import StaffMember, User
from chaperon.sessions import live
from chaperon.sessions.attendance import attendance_joined, attendance_left
from chaperon.sessions.models import (
    Invitation,
    Session,
    SessionAttendance,
    SessionKind,
    SessionStatus,
)
from chaperon.sessions.services import session_open

from . import broadcast
from .models import Participant, Presence, RecordingState, Room, RoomEvent
from .permissions import Entrant

CHAT_MAX = 2000
WARNING_BEFORE = timedelta(minutes=5)


class RoomRefused(Exception):
    """The person may not come in now; ``code`` is part of the protocol (docs/rooms.md)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def event(
    room: Room,
    kind: str,
    *,
    participant: Participant | None = None,
    by: Participant | None = None,
    text: str = "",
    **data: Any,
) -> RoomEvent:
    return RoomEvent.objects.create(
        room=room,
        at=timezone.now(),
        kind=kind,
        participant=participant,
        by=by,
        text=text,
        data=data,
    )


def audit(action: AuditAction, room: Room, who: Participant | None, **kwargs: Any) -> None:
    """An audit row for the session; a learner or guardian acts under their invitation."""
    actor = who.user if who is not None else None
    label = f"invitation {who.invitation_id}" if who is not None and who.user is None else ""
    record(action=action, actor=actor, actor_label=label, obj=room.session, **kwargs)


def _locked_room(session_id: int) -> Room:
    return (
        Room.objects.select_for_update().select_related("session__organisation").get(pk=session_id)
    )


def _host(session_id: int, actor: User) -> tuple[Room, Participant]:
    room = _locked_room(session_id)
    host = Participant.objects.filter(room=room, user=actor, is_host=True).first()
    if host is None or host.presence != Presence.ADMITTED:
        raise PermissionDenied("Only the host can do this.")
    if room.ended_at is not None:
        raise ValidationFailed({"room": "the session has ended"})
    return room, host


def _target(room: Room, participant_id: int) -> Participant:
    target = Participant.objects.filter(room=room, pk=participant_id).first()
    if target is None:
        raise ValidationFailed({"participant": "nobody with that id is in this room"})
    return target


def _open_stay(participant: Participant) -> None:
    stay = attendance_joined(
        session=participant.room.session,
        display_name=participant.display_name,
        role=participant.role,
        at=timezone.now(),
        invitation=participant.invitation,
        user=participant.user,
    )
    participant.stay_id = stay.pk


def _close_stay(participant: Participant) -> None:
    if participant.stay_id is not None:
        stay = SessionAttendance.objects.filter(pk=participant.stay_id).first()
        if stay is not None:
            attendance_left(stay=stay, at=timezone.now())
        participant.stay_id = None


# Entry ----------------------------------------------------------------------------------------


def room_connect(*, entrant: Entrant, channel_name: str) -> Participant:
    """A connection arrives: the host goes straight in, anyone else waits for the host
    (ROOM-1). A locked room lets nobody new in (ROOM-6); someone admitted who lost their
    connection comes back in."""
    session = entrant.session
    with transaction.atomic():
        Room.objects.get_or_create(session=session)
        room = _locked_room(session.pk)
        if room.ended_at is not None:
            raise RoomRefused("ended", "This session has ended.")
        shut = door_shut(session, room)
        if shut is not None:
            raise shut
        lookup = {"user": entrant.user} if entrant.user else {"invitation": entrant.invitation}
        participant, _ = Participant.objects.get_or_create(
            room=room,
            **lookup,
            defaults={
                "display_name": entrant.display_name,
                "role": entrant.role,
                "is_host": entrant.is_host,
                "presence": Presence.WAITING,
            },
        )
        participant.room = room
        back_in = participant.presence == Presence.ADMITTED
        if room.locked and not (entrant.is_host or back_in):
            event(room, "refused_locked", participant=participant)
            raise RoomRefused("locked", "The room is locked: nobody else can join now.")
        participant.connected = True
        participant.channel_name = channel_name
        participant.epoch += 1
        if entrant.is_host or back_in:
            participant.presence = Presence.ADMITTED
            _close_stay(participant)
            _open_stay(participant)
            event(room, "joined", participant=participant, rejoined=back_in)
        else:
            participant.presence = Presence.WAITING
            participant.agreed_at = None
            event(room, "waiting", participant=participant)
        participant.save()
        broadcast.room_changed(room.pk)
    return participant


def room_disconnect(*, participant_id: int, channel_name: str) -> None:
    """The connection closed. Someone admitted stays admitted (a reload brings them back) but
    their stay in the attendance ends now."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_related("room__session")
            .filter(pk=participant_id, channel_name=channel_name)
            .first()
        )
        if participant is None:
            return
        room = _locked_room(participant.room_id)
        participant.room = room
        participant.connected = False
        participant.channel_name = ""
        if participant.presence == Presence.WAITING:
            participant.presence = Presence.LEFT
        if participant.stay_id is not None:
            _close_stay(participant)
            event(room, "disconnected", participant=participant)
            _staff_left(room, participant)
        participant.save()
        broadcast.room_changed(room.pk)


def room_leave(*, participant_id: int) -> Participant:
    """Leave at once (ROOM-8): out of the room, stay closed; the page goes to the report."""
    with transaction.atomic():
        participant = Participant.objects.select_related("room").get(pk=participant_id)
        room = _locked_room(participant.room_id)
        participant.room = room
        was_in = participant.presence == Presence.ADMITTED
        participant.presence = Presence.LEFT
        _close_stay(participant)
        participant.save()
        event(room, "left", participant=participant)
        if was_in:
            _staff_left(room, participant)
        broadcast.room_changed(room.pk)
    return participant


def _staff_left(room: Room, participant: Participant) -> None:
    """SES-4: a group session left with one member of staff warns the host, and is recorded."""
    if (
        participant.role != Invitation.Role.STAFF
        or room.session.kind == SessionKind.ONE_TO_ONE
        or room.started_at is None
        or room.ended_at is not None
    ):
        return
    remaining = staff_in_room(room)
    if len(remaining) < 2:
        event(room, "staff_alone", participant=participant, remaining=len(remaining))
        audit(AuditAction.ROOM_STAFF_LEFT, room, participant, data={"remaining": len(remaining)})
        for host in remaining:
            if host.is_host:
                broadcast.tell(
                    host.channel_name,
                    {
                        "type": "warning",
                        "code": "staff_alone",
                        "message": f"{participant.display_name} has left. A group session "
                        "needs two members of staff: ask another to join, or end the session.",
                    },
                )


def staff_in_room(room: Room) -> list[Participant]:
    return list(
        Participant.objects.filter(
            room=room, role=Invitation.Role.STAFF, presence=Presence.ADMITTED, connected=True
        )
    )


def room_admit(*, actor: User, session_id: int, participant_id: int) -> Participant:
    """The host lets someone in. A learner comes in only while the session still passes the
    policy at the start (consent in place, ...); otherwise the host is told why."""
    with transaction.atomic():
        room, host = _host(session_id, actor)
        target = _target(room, participant_id)
        if target.presence != Presence.WAITING:
            raise ValidationFailed({"participant": f"{target.display_name} is not waiting"})
        if room.locked:
            raise ValidationFailed({"room": "the room is locked: unlock it to admit anyone"})
        problems = []
        if target.role == Invitation.Role.LEARNER and target.invitation is not None:
            problems = live.admission_problems(
                session=room.session, learner_id=target.invitation.person_id
            )
        if problems:
            # Recorded and committed; the refusal is raised once the transaction is over.
            event(room, "admission_blocked", participant=target, by=host, problems=problems)
            audit(
                AuditAction.ROOM_ADMISSION_REFUSED,
                room,
                host,
                data={"participant": target.pk, "policy": True},
            )
        else:
            _admit(room, host, target)
    if problems:
        raise AdmissionBlocked(problems)
    return target


def _admit(room: Room, host: Participant, target: Participant) -> None:
    target.presence = Presence.ADMITTED
    _open_stay(target)
    target.save()
    event(room, "admitted", participant=target, by=host)
    audit(AuditAction.ROOM_ADMITTED, room, host, data={"participant": target.pk})
    from . import recorder  # the recorder builds on these services

    recorder.pause_unless_consented(room, target)
    broadcast.room_changed(room.pk)


class AdmissionBlocked(ValidationFailed):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            {"participant": "the policy does not allow them in now: " + " ".join(problems)}
        )


def room_refuse(*, actor: User, session_id: int, participant_id: int) -> Participant:
    with transaction.atomic():
        room, host = _host(session_id, actor)
        target = _target(room, participant_id)
        if target.presence != Presence.WAITING:
            raise ValidationFailed({"participant": f"{target.display_name} is not waiting"})
        target.presence = Presence.REFUSED
        target.save()
        event(room, "refused", participant=target, by=host)
        audit(AuditAction.ROOM_ADMISSION_REFUSED, room, host, data={"participant": target.pk})
        broadcast.tell(
            target.channel_name,
            {"type": "refused", "code": "refused", "message": "The host did not let you in."},
            close=4403,
        )
        broadcast.room_changed(room.pk)
    return target


def room_remove(*, actor: User, session_id: int, participant_id: int) -> Participant:
    """ROOM-9: out at once; back only if the host admits them again."""
    with transaction.atomic():
        room, host = _host(session_id, actor)
        target = _target(room, participant_id)
        if target.pk == host.pk or target.presence != Presence.ADMITTED:
            raise ValidationFailed({"participant": "only someone in the room can be removed"})
        target.presence = Presence.REMOVED
        _close_stay(target)
        target.save()
        event(room, "removed", participant=target, by=host)
        audit(AuditAction.ROOM_REMOVED, room, host, data={"participant": target.pk})
        broadcast.tell(
            target.channel_name,
            {"type": "removed", "message": "The host has removed you from the session."},
            close=4403,
        )
        _staff_left(room, target)
        broadcast.room_changed(room.pk)
    return target


def room_mute(*, actor: User, session_id: int, participant_id: int) -> None:
    with transaction.atomic():
        room, host = _host(session_id, actor)
        target = _target(room, participant_id)
        event(room, "muted", participant=target, by=host)
        broadcast.tell(target.channel_name, {"type": "mute", "by": host.display_name})


def room_lock(*, actor: User, session_id: int, locked: bool) -> Room:
    with transaction.atomic():
        room, host = _host(session_id, actor)
        if room.locked != locked:
            room.locked = locked
            room.save(update_fields=["locked"])
            event(room, "locked" if locked else "unlocked", by=host)
            audit(AuditAction.ROOM_LOCKED if locked else AuditAction.ROOM_UNLOCKED, room, host)
            broadcast.room_changed(room.pk)
    return room


def room_agree(*, participant_id: int, comfortable_recording: bool | None) -> Participant:
    """ROOM-7 and REC-6: the participant accepted the opening agreement, and said whether
    they are comfortable being recorded."""
    with transaction.atomic():
        participant = Participant.objects.select_related("room").get(pk=participant_id)
        if participant.presence != Presence.ADMITTED:
            raise PermissionDenied("Wait until the host lets you in.")
        participant.agreed_at = timezone.now()
        participant.comfortable_recording = comfortable_recording
        participant.save(update_fields=["agreed_at", "comfortable_recording"])
        event(
            participant.room,
            "agreed",
            participant=participant,
            comfortable_recording=comfortable_recording,
        )
        broadcast.room_changed(participant.room_id)
    return participant


# Starting, time and ending --------------------------------------------------------------------


def start_problems(room: Room, *, adult_present: bool) -> list[str]:
    """Why the host cannot start yet (SES-4, SES-5, ROOM-7); empty when they can."""
    session = room.session
    problems = []
    if session.kind != SessionKind.ONE_TO_ONE and len(staff_in_room(room)) < 2:
        problems.append("A group session needs two members of staff in the room before it starts.")
    if live.needs_named_adult(session) and not adult_present:
        named = session.named_adult or "the named adult"
        problems.append(f"Confirm that {named} is present in the house before starting.")
    waiting_for_agreement = Participant.objects.filter(
        room=room, presence=Presence.ADMITTED, is_host=False, agreed_at__isnull=True
    )
    for participant in waiting_for_agreement:
        problems.append(f"{participant.display_name} has not yet accepted the agreement.")
    return problems


def room_start(*, actor: User, session_id: int, adult_present: bool) -> Room:
    """Start the session: the room's own checks, then the policy at ``stage: start`` (the
    session opens); the time limit runs from now."""
    with transaction.atomic():
        room, host = _host(session_id, actor)
        if room.started_at is not None:
            return room
        problems = start_problems(room, adult_present=adult_present)
        session = room.session
        if not problems and session.status == SessionStatus.BOOKED:
            verdict = session_open(
                actor=actor,
                session=session,
                adult_present=_adult_present(room, adult_present),
                comfortable_being_recorded=_comfort(room),
            )
            problems = [
                finding.message
                for finding in verdict.findings
                if finding.outcome in ("block", "needs_exception")
            ]
        if problems:
            event(room, "start_refused", by=host, problems=problems)
            audit(AuditAction.ROOM_START_REFUSED, room, host, data={"count": len(problems)})
        else:
            _start(room, host, adult_present)
    if problems:
        raise ValidationFailed({"start": " ".join(problems)})
    return room


def _start(room: Room, host: Participant, adult_present: bool) -> None:
    session = room.session
    now = timezone.now()
    room.started_at = now
    room.ends_at = now + timedelta(minutes=session.duration_minutes)
    room.adult_confirmed = adult_present
    room.save(update_fields=["started_at", "ends_at", "adult_confirmed"])
    event(room, "started", by=host, adult_present=adult_present)
    audit(AuditAction.ROOM_STARTED, room, host, data={"adult_present": adult_present})
    broadcast.room_changed(room.pk)


def _learner_ids(room: Room) -> list[int]:
    return [learner.pk for learner in room.session.learners.all()]


def _adult_present(room: Room, confirmed: bool) -> dict[int, bool]:
    return dict.fromkeys(_learner_ids(room), confirmed)


def _comfort(room: Room) -> dict[int, bool]:
    """Each learner's answer in the agreement; a learner not in the room is not asked."""
    answers: dict[int, bool] = {}
    for participant in Participant.objects.filter(
        room=room, role=Invitation.Role.LEARNER, agreed_at__isnull=False
    ).select_related("invitation"):
        if participant.invitation is not None and participant.comfortable_recording is not None:
            answers[participant.invitation.person_id] = participant.comfortable_recording
    return answers


def room_extend(*, actor: User, session_id: int, minutes: int, reason: str) -> Room:
    """SES-3: the host runs past the limit, with a reason, recorded as an exception."""
    with transaction.atomic():
        room, host = _host(session_id, actor)
        if room.started_at is None or room.ends_at is None:
            raise ValidationFailed({"minutes": "the session has not started"})
        exception = live.session_extension_record(
            actor=actor, session=room.session, minutes=minutes, reason=reason
        )
        room.ends_at += timedelta(minutes=minutes)
        room.warned_at = None
        room.save(update_fields=["ends_at", "warned_at"])
        event(
            room, "extended", by=host, text=reason.strip(), minutes=minutes, exception=exception.pk
        )
        broadcast.room_changed(room.pk)
    return room


def room_end(*, session_id: int, actor: User | None, reason: str) -> Room:
    """End for everyone: by the host, or by the server when the time is up."""
    with transaction.atomic():
        if actor is not None:
            room, host = _host(session_id, actor)
        else:
            room, host = _locked_room(session_id), None
            if room.ended_at is not None:
                return room
        room.ended_at = timezone.now()
        room.end_reason = reason
        room.save(update_fields=["ended_at", "end_reason"])
        from . import recorder

        recorder.stop(room, by=host)
        for participant in Participant.objects.filter(room=room, presence=Presence.ADMITTED):
            participant.room = room
            _close_stay(participant)
            participant.presence = Presence.LEFT
            participant.save(update_fields=["stay_id", "presence"])
        event(room, "ended", by=host, reason=reason)
        audit(AuditAction.ROOM_ENDED, room, host, data={"reason": reason})
        broadcast.room_changed(room.pk)
    return room


def room_tick(*, session_id: int) -> None:
    """Called every few seconds by each connection: the server, not the page, warns five
    minutes before the limit and ends the session at it; it also notices gaps in recorded
    tracks. Idempotent: several connections ticking at once do each thing once."""
    now = timezone.now()
    room = Room.objects.filter(pk=session_id).first()
    if room is None or room.ends_at is None or room.ended_at is not None:
        return
    if now >= room.ends_at:
        room_end(session_id=session_id, actor=None, reason="time")
        return
    if now >= room.ends_at - WARNING_BEFORE and room.warned_at is None:
        with transaction.atomic():
            if Room.objects.filter(pk=session_id, warned_at__isnull=True).update(warned_at=now):
                event(room, "time_warning", minutes_left=5)
                broadcast.room_changed(session_id)
    if room.recording_state == RecordingState.ON:
        from . import recorder

        recorder.notice_gaps(room, now=now)


# Chat, screen sharing and signalling ------------------------------------------------------------


def room_chat(*, participant_id: int, text: str) -> RoomEvent:
    """A chat message, kept with the session (the DSL reads it on the room log)."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": "write a message"})
    if len(text) > CHAT_MAX:
        raise ValidationFailed({"text": f"keep a message under {CHAT_MAX} characters"})
    with transaction.atomic():
        participant = Participant.objects.select_related("room").get(pk=participant_id)
        if participant.presence != Presence.ADMITTED or participant.room.ended_at is not None:
            raise PermissionDenied("Only people in the room can chat.")
        message = event(participant.room, "chat", participant=participant, text=text)
        broadcast.room_relay(
            participant.room_id,
            {
                "type": "chat",
                "id": message.pk,
                "from": participant.pk,
                "name": participant.display_name,
                "text": text,
                "at": message.at.isoformat(),
            },
        )
    return message


def room_screen_share(*, participant_id: int, on: bool) -> None:
    """ROOM-4: only the host shares a screen. A participant's attempt is refused, recorded
    and never relayed."""
    participant = Participant.objects.select_related("room__session").get(pk=participant_id)
    room = participant.room
    if not participant.is_host:
        refuse_screen_share(room, participant, how="share-screen")
    with transaction.atomic():
        event(room, "screen_share", participant=participant, on=on)
        broadcast.room_relay(room.pk, {"type": "screen", "from": participant.pk, "on": on})


def refuse_screen_share(room: Room, participant: Participant, *, how: str) -> None:
    """Record the attempt (committed), then refuse. Call it outside any transaction."""
    with transaction.atomic():
        event(room, "screen_share_refused", participant=participant, how=how)
        audit(AuditAction.ROOM_SCREEN_SHARE_REFUSED, room, participant, data={"how": how})
    raise PermissionDenied("Participants cannot share their screen in this room.")


def _video_senders(sdp: str) -> int:
    """How many video sections of a session description send video."""
    count, in_video, sending = 0, False, False
    for line in [*sdp.splitlines(), "m=end"]:
        if line.startswith("m="):
            count += in_video and sending
            in_video, sending = line.startswith("m=video"), True
        elif line.strip() in ("a=recvonly", "a=inactive"):
            sending = False
    return count


def signal_target(*, participant_id: int, to: int, payload: dict[str, Any]) -> str:
    """Check a signalling message (offer, answer, ICE candidate) and return the channel to
    relay it to. Both people must be in the call; a participant may send one camera and
    nothing labelled a screen (ROOM-4)."""
    sender = Participant.objects.select_related("room__session").get(pk=participant_id)
    room = sender.room
    if room.started_at is None or room.ended_at is not None:
        raise PermissionDenied("The call has not started.")
    target = Participant.objects.filter(room=room, pk=to).first()
    if not (sender.presence == Presence.ADMITTED and target and in_call(target)):
        raise PermissionDenied("Both people must be in the call.")
    if not in_call(sender):
        raise PermissionDenied("Accept the agreement first.")
    if not sender.is_host:
        kinds = payload.get("tracks") or {}
        description = payload.get("description") or {}
        sdp = description.get("sdp", "") if isinstance(description, dict) else ""
        if (isinstance(kinds, dict) and "screen" in kinds.values()) or _video_senders(str(sdp)) > 1:
            refuse_screen_share(room, sender, how="offer")
    return target.channel_name


def in_call(participant: Participant) -> bool:
    """Sends and receives media: in the room, connected, agreement accepted (the host opens
    the room and needs none)."""
    return (
        participant.presence == Presence.ADMITTED
        and participant.connected
        and (participant.is_host or participant.agreed_at is not None)
    )


def staff_member_ids(users: list[User]) -> list[int]:
    return list(StaffMember.objects.filter(user__in=users).values_list("pk", flat=True))


# The door: its hours, and the passcode (ROOM-2) --------------------------------------------------


def door_hours(session: Session, room: Room | None) -> tuple[datetime, datetime]:
    """When the room lets people come to its door: from ``ROOM_OPENS_MINUTES_BEFORE`` before
    the start until the session's end, or the room's own end when it runs later (started late,
    or extended by the host)."""
    opens = session.start - timedelta(minutes=settings.ROOM_OPENS_MINUTES_BEFORE)
    closes = session.end
    if room is not None and room.ends_at is not None and room.ends_at > closes:
        closes = room.ends_at
    return opens, closes


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


def _attempts_key(invitation: Invitation) -> str:
    return f"rooms:passcode:{invitation.pk}"


def room_enter(*, invitation: Invitation, passcode: str) -> None:
    """Check the passcode given with a personal join link. Wrong passcodes are limited per
    link; a locked room or an ended session lets nobody new in. The caller then remembers
    the entry in the browser's session."""
    from django.core.cache import cache

    session = invitation.session
    if session.status not in (SessionStatus.BOOKED, SessionStatus.OPEN):
        raise RoomRefused("closed", "This session is not open for joining.")
    shut = door_shut(session, Room.objects.filter(pk=session.pk).first())
    if shut is not None:
        raise shut
    key = _attempts_key(invitation)
    failures = cache.get(key, 0)
    if failures >= settings.ROOM_PASSCODE_ATTEMPTS:
        raise RoomRefused(
            "attempts",
            "Too many wrong passcodes. Wait "
            f"{settings.ROOM_PASSCODE_WINDOW_MINUTES} minutes, or ask the person who invited you.",
        )
    room, _ = Room.objects.get_or_create(session=session)
    if not constant_time_equal(passcode.strip(), session.passcode):
        cache.set(key, failures + 1, settings.ROOM_PASSCODE_WINDOW_MINUTES * 60)
        event(room, "passcode_refused", invitation=invitation.pk)
        raise RoomRefused(
            "passcode", "That passcode is not right. Check the passcode in your invitation."
        )
    if room.ended_at is not None:
        raise RoomRefused("ended", "This session has ended.")
    admitted = Participant.objects.filter(
        room=room, invitation=invitation, presence=Presence.ADMITTED
    ).exists()
    if room.locked and not admitted:
        event(room, "refused_locked", invitation=invitation.pk)
        raise RoomRefused("locked", "The room is locked: nobody else can join now.")


def constant_time_equal(given: str, expected: str) -> bool:
    import hmac

    return hmac.compare_digest(given.encode(), expected.encode())
