"""Starting the session (two staff, the named adult, the agreement, the policy at the start),
its time limit (SES-3), and its end."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SYSTEM, SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.policy.engine.verdict import Outcome, Verdict
from chaperon.sessions.attendance import session_room_ended
from chaperon.sessions.models import SessionKind, SessionStatus
from chaperon.sessions.plans import learner_subject
from chaperon.sessions.services import live, session_open

from .. import broadcast
from ..models import Participant, Presence, RecordingState, Room
from . import sfu
from .comfort import comfort_answers
from .common import (
    audit,
    close_stay,
    event,
    host_of,
    locked_room,
    refused_once,
    staff_in_room,
)
from .extensions import lapse_extensions, settle_extensions

COMFORT_RULE = "recording.comfort_check"

WARNING_BEFORE = timedelta(minutes=5)


@logged
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


@logged
def room_start(*, actor: User, session_id: int, adult_present: bool) -> Room:
    """Start the session: the room's own checks, then the policy at ``stage: start`` (the
    session opens); the time limit runs from now."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        if room.started_at is not None:
            return room
        problems = start_problems(room, adult_present=adult_present)
        session = room.session
        if not problems and session.status == SessionStatus.BOOKED:
            verdict = session_open(
                actor=actor,
                session=session,
                adult_present=_adult_present(room, adult_present),
                comfortable_being_recorded=comfort_answers(room),
            )
            problems = _policy_problems(room, verdict)
        if problems:
            refused_once(
                room, host, "start_refused", AuditAction.ROOM_START_REFUSED, problems=problems
            )
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


def _policy_problems(room: Room, verdict: Verdict) -> list[str]:
    """What the policy at the start refuses, in words for the host: a learner not confirmed
    comfortable being recorded is named, with the way to ask them."""
    learners = {learner_subject(learner.pk): learner for learner in room.session.learners.all()}
    answers = comfort_answers(room)
    problems = []
    for finding in verdict.findings:
        if finding.outcome not in (Outcome.BLOCK, Outcome.NEEDS_EXCEPTION):
            continue
        learner = learners.get(finding.subject or "")
        if finding.rule != COMFORT_RULE or learner is None:
            problems.append(finding.message)
        elif answers.get(learner.pk) is False:
            problems.append(f"{learner.full_name} said they are not comfortable being recorded.")
        else:
            problems.append(
                f"{learner.full_name} has not said whether they are comfortable being "
                f"recorded: use “Ask {learner.full_name} if they are comfortable being recorded”."
            )
    return problems


@logged
def room_end(*, session_id: int, actor: User | SystemActor, reason: str) -> Room:
    """End for everyone: by the host, or by the server (``SYSTEM``) when the time is up."""
    with transaction.atomic():
        if isinstance(actor, User):
            room, host = host_of(session_id, actor)
        else:
            room, host = locked_room(session_id), None
            over = room.ends_at is not None and timezone.now() >= room.ends_at
            if room.ended_at is not None or (reason == "time" and not over):
                return room
        room.ended_at = timezone.now()
        room.end_reason = reason
        room.save(update_fields=["ended_at", "end_reason"])
        from . import recorder

        recorder.stop(room, by=host)
        lapse_extensions(room)
        session_room_ended(session_id=room.pk, at=room.ended_at)
        for participant in Participant.objects.filter(room=room, presence=Presence.ADMITTED):
            participant.room = room
            close_stay(participant)
            participant.presence = Presence.LEFT
            participant.save(update_fields=["stay_id", "presence"])
        sfu.close(room)
        event(room, "ended", by=host, reason=reason)
        audit(AuditAction.ROOM_ENDED, room, host, data={"reason": reason})
        broadcast.room_changed(room.pk)
    return room


@logged
def room_tick(*, session_id: int) -> None:
    """Called every second by the room's ticker in each server process that holds one of its
    connections: it marks the room alive (``ticked_at``); the server, not the page, warns
    five minutes before the limit and ends the session at it; it also notices gaps in
    recorded tracks. Idempotent: several processes ticking at once do each thing once."""
    now = timezone.now()
    Room.objects.filter(pk=session_id).update(ticked_at=now)
    room = Room.objects.filter(pk=session_id).first()
    if room is None or room.ends_at is None or room.ended_at is not None:
        return
    settle_extensions(room)  # an approval that has come in moves the end first
    room.refresh_from_db()
    if room.ends_at is None or room.ended_at is not None:
        return
    if now >= room.ends_at:
        room_end(session_id=session_id, actor=SYSTEM, reason="time")
        return
    if now >= room.ends_at - WARNING_BEFORE and room.warned_at is None:
        with transaction.atomic():
            if Room.objects.filter(pk=session_id, warned_at__isnull=True).update(warned_at=now):
                event(room, "time_warning", minutes_left=5)
                broadcast.room_changed(session_id)
    if room.recording_state == RecordingState.ON:
        from . import recorder

        recorder.notice_gaps(room, now=now)
