"""Someone who may no longer take part is taken out of a live room at once, not left in until
the session ends: a member of staff who left or was suspended from sessions, and a learner who
left. When it is the host, the session ends for everyone."""

from datetime import date

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns import services as concerns
from chaperon.people import services as people
from chaperon.rooms import services as room_services
from chaperon.rooms.models import Participant, Presence, Room, RoomEvent
from chaperon.rooms.permissions import Entrant, may_go_to_room
from chaperon.sessions.models import Session
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast

from .helpers import booked, host_in, started

pytestmark = pytest.mark.django_db


def _in_group_with_teacher2(cast: Cast) -> tuple[Session, Participant]:
    """A group started with the teacher as host and teacher2 let in."""
    second = factories.learner(cast.organisation, first_name="Ash")
    factories.guardian(cast.organisation, of=second)
    session = booked(cast, kind="group", learners=[cast.learner, second])
    host_in(session, cast)
    teacher2 = room_services.room_connect(
        entrant=Entrant(session, cast.teacher2.full_name, "staff", user=cast.teacher2),
        channel_name="",
        device="",
    )
    if teacher2.presence != Presence.ADMITTED:
        room_services.room_admit(
            actor=cast.teacher, session_id=session.pk, participant_id=teacher2.pk
        )
    return session, Participant.objects.get(pk=teacher2.pk)


def _presence(participant: Participant) -> str:
    return Participant.objects.get(pk=participant.pk).presence


@pytest.mark.clause("SES-10")
def test_a_host_who_leaves_the_organisation_is_taken_out_and_the_session_ends(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session, learner = started(cast)
    host = Participant.objects.get(room_id=session.pk, user=cast.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        people.staff_mark_left(actor=cast.dsl, staff=cast.teacher.staff)
    assert _presence(host) == Presence.REMOVED
    room = Room.objects.get(pk=session.pk)
    assert room.ended_at is not None
    assert room.end_reason == "host_turned_out"
    assert _presence(learner) == Presence.LEFT
    assert RoomEvent.objects.filter(room=room, kind="turned_out", participant=host).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_REMOVED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_ENDED).count() == 1


@pytest.mark.clause("INC-10")
@pytest.mark.clause("SES-4")
def test_a_member_of_staff_suspended_mid_session_is_taken_out_and_the_host_warned(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session, teacher2 = _in_group_with_teacher2(cast)
    room_services.room_agree(participant_id=teacher2.pk, comfortable_recording=None)
    room_services.room_start(actor=cast.teacher, session_id=session.pk, adult_present=True)
    concern = concerns.concern_reclassify_as_allegation(
        actor=cast.dsl,
        concern=public_concern(cast.organisation),
        subject_staff=cast.teacher2,
        reason="The report is about a member of staff's conduct towards a pupil.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        concerns.staff_suspend(actor=cast.dsl, concern=concern, reason="While it is looked into")
    assert _presence(teacher2) == Presence.REMOVED
    room = Room.objects.get(pk=session.pk)
    assert room.ended_at is None  # the host goes on, and is warned they are alone
    assert RoomEvent.objects.filter(room=room, kind="staff_alone").exists()
    # They cannot come back: the door no longer knows them.
    assert not may_go_to_room(cast.teacher2, session)


def test_another_change_to_a_staff_record_leaves_them_in_the_room(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _session, teacher2 = _in_group_with_teacher2(cast)
    with django_capture_on_commit_callbacks(execute=True):
        people.staff_update(actor=cast.dsl, staff=cast.teacher2.staff, dbs_checked_on=date.today())
    assert _presence(teacher2) == Presence.ADMITTED
    assert not RoomEvent.objects.filter(kind="turned_out").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ROOM_REMOVED).exists()


def test_a_learner_who_leaves_is_taken_out_and_the_session_goes_on(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session, learner = started(cast)
    with django_capture_on_commit_callbacks(execute=True):
        people.learner_mark_left(actor=cast.dsl, learner=cast.learner)
    assert _presence(learner) == Presence.REMOVED
    assert Room.objects.get(pk=session.pk).ended_at is None
    host = Participant.objects.get(room_id=session.pk, user=cast.teacher)
    assert _presence(host) == Presence.ADMITTED
