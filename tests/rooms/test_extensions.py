"""More time in the live room is an exception (SES-3): within the policy's allowance for the
host it is theirs to add, with a reason, and the approvers are told at once; beyond it one of
the policy's approvers decides, and the room acts on the decision."""

import json
from datetime import timedelta
from typing import Any

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.rooms import selectors, services
from chaperon.rooms.models import Participant, Room, RoomEvent, RoomExtension
from chaperon.sessions.models import SessionException
from chaperon.sessions.services import (
    ROOM_EXTENSION_ROLE,
    admission_problems,
    session_exception_decide,
)
from tests.conftest import Cast

from .helpers import host_may_extend, started

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-3")]

REASON = "Robin is in the middle of telling me something important."


def _approvers_emailed(subject_start: str) -> set[str]:
    return {
        delivery.to
        for delivery in EmailDelivery.objects.filter(purpose="room_extension")
        if delivery.subject.startswith(subject_start)
    }


def test_within_the_policys_allowance_the_host_extends_and_the_approvers_are_told(
    cast: Cast,
) -> None:
    host_may_extend(cast, 10)
    session, _ = started(cast)
    before = Room.objects.get().ends_at
    assert before is not None
    with pytest.raises(ValidationFailed):
        services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=5, reason=" ")
    assert Room.objects.get().ends_at == before and not SessionException.objects.exists()

    services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=5, reason=REASON)
    assert Room.objects.get().ends_at == before + timedelta(minutes=5)
    exception = SessionException.objects.get()
    assert exception.status == "approved" and exception.decided_by == cast.teacher
    assert exception.decided_role == ROOM_EXTENSION_ROLE
    assert "within the policy's allowance of 10 minutes" in exception.decision_reason
    assert _approvers_emailed("Live session extended by the host") == {
        cast.slt.email,
        cast.dsl.email,
    }
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_EXTENDED).count() == 1

    # The allowance is for the whole session: 5 more minutes would make 10; 6 would not.
    services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=6, reason=REASON)
    assert Room.objects.get().ends_at == before + timedelta(minutes=5)
    assert RoomExtension.objects.filter(status="pending", minutes=6).exists()


def test_beyond_the_allowance_an_approver_decides_and_the_room_acts_on_it(cast: Cast) -> None:
    session, _ = started(cast)  # the default policy: every extension waits for an approver
    before = Room.objects.get().ends_at
    assert before is not None
    services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=10, reason=REASON)
    room = Room.objects.get()
    assert room.ends_at == before  # nothing moves until an approver decides
    exception = SessionException.objects.get()
    assert exception.status == "pending" and exception.requested_by == cast.teacher
    assert exception.reason == f"Run the live session 10 minutes longer: {REASON}"
    assert _approvers_emailed("Approve more time now?") == {cast.slt.email, cast.dsl.email}
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXCEPTION_REQUESTED).exists()
    host = Participant.objects.get(is_host=True)
    shown = selectors.room_view(participant_id=host.pk)["room"]["extension"]
    assert shown["status"] == "pending" and shown["minutes"] == 10
    assert shown["approvers"] == "a senior leader or the Designated Safeguarding Lead"
    with pytest.raises(ValidationFailed) as twice:
        services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=5, reason="x")
    assert "already waiting for an approver" in str(twice.value)

    session_exception_decide(
        actor=cast.slt, exception=exception, approve=True, reason="Yes: let them finish."
    )
    services.room_tick(session_id=session.pk)
    services.room_tick(session_id=session.pk)  # settled once, whoever ticks
    assert Room.objects.get().ends_at == before + timedelta(minutes=10)
    extension = RoomExtension.objects.get()
    assert extension.status == "approved" and not extension.by_host
    [extended] = RoomEvent.objects.filter(kind="extended")
    assert extended.data["approved_by"] == "Sam Laurel"
    shown = selectors.room_view(participant_id=host.pk)["room"]["extension"]
    assert shown["status"] == "approved" and shown["decided_by"] == "Sam Laurel"
    room_extended = AuditEvent.objects.get(action=AuditAction.ROOM_EXTENDED)
    assert json.loads(room_extended.data)["approved_by"] == cast.slt.pk
    # The session as booked is still judged without the extension.
    assert admission_problems(session=session, learner_id=cast.learner.pk) == []


def test_a_refused_extension_leaves_the_end_and_tells_the_host(cast: Cast) -> None:
    session, _ = started(cast)
    before = Room.objects.get().ends_at
    services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=10, reason=REASON)
    session_exception_decide(
        actor=cast.dsl,
        exception=SessionException.objects.get(),
        approve=False,
        reason="Please end on time and book a follow-up.",
    )
    services.room_tick(session_id=session.pk)
    assert Room.objects.get().ends_at == before
    assert RoomExtension.objects.get().status == "refused"
    host = Participant.objects.get(is_host=True)
    shown: dict[str, Any] = selectors.room_view(participant_id=host.pk)["room"]["extension"]
    assert shown["decided_by"] == "Dana Sefton"
    assert shown["decision_reason"] == "Please end on time and book a follow-up."
    assert RoomEvent.objects.filter(kind="extension_refused").count() == 1


def test_more_time_still_waiting_when_the_room_ends_lapses(cast: Cast) -> None:
    session, _ = started(cast)
    services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=10, reason=REASON)
    services.room_end(session_id=session.pk, actor=cast.teacher, reason="host")
    assert RoomExtension.objects.get().status == "lapsed"


def test_when_the_room_ends_the_session_ends_and_more_time_still_asked_for_is_withdrawn(
    cast: Cast,
) -> None:
    session, _ = started(cast)
    services.room_extend(actor=cast.teacher, session_id=session.pk, minutes=10, reason=REASON)
    exception = SessionException.objects.get()
    assert exception.status == "pending"

    services.room_end(session_id=session.pk, actor=cast.teacher, reason="host")
    session.refresh_from_db()
    room = Room.objects.get()
    assert session.ended_at == room.ended_at is not None
    exception.refresh_from_db()
    assert exception.status == "withdrawn"
    assert RoomExtension.objects.get().status == "lapsed"

    # Nobody can approve it afterwards, and nothing moves when they try.
    with pytest.raises(ValidationFailed, match="withdrawn"):
        session_exception_decide(actor=cast.slt, exception=exception, approve=True, reason="Yes.")
    exception.refresh_from_db()
    assert exception.status == "withdrawn" and exception.decided_by is None
    assert Room.objects.get().ends_at == room.ends_at
