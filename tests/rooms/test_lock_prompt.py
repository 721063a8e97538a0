"""The host is asked to lock the room once everyone expected is in (ROOM-6): a learner with a
link of their own, or, for a learner without one, a parent or carer on whose link they join."""

import pytest

from chaperon.rooms.models import Participant, Presence, Room
from chaperon.rooms.selectors import all_arrived
from chaperon.sessions.models import Invitation, Session
from tests.conftest import Cast

from .helpers import booked, invitation

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ROOM-6")]


def _in(room: Room, **fields: object) -> Participant:
    return Participant.objects.create(room=room, presence=Presence.ADMITTED, **fields)


def _host(room: Room, cast: Cast) -> Participant:
    return _in(room, user=cast.teacher, display_name="Terry Finch", role="staff", is_host=True)


def _guardian_in(room: Room, session: Session, cast: Cast) -> Participant:
    link = invitation(session, Invitation.Role.GUARDIAN, cast.guardian.pk)
    return _in(room, invitation=link, display_name="Morgan Alder", role="guardian")


def _everyone(room: Room) -> list[Participant]:
    return list(Participant.objects.filter(room=room))


def test_a_learner_with_their_own_link_is_waited_for_not_their_parent(cast: Cast) -> None:
    session = booked(cast)
    room = Room.objects.create(session=session)
    _host(room, cast)
    assert not all_arrived(room, _everyone(room))
    _guardian_in(room, session, cast)
    assert not all_arrived(room, _everyone(room))
    own = invitation(session, Invitation.Role.LEARNER, cast.learner.pk)
    _in(room, invitation=own, display_name="Robin Alder", role="learner")
    assert all_arrived(room, _everyone(room))


def test_a_learner_without_a_link_of_their_own_comes_with_a_parent(cast: Cast) -> None:
    session = booked(cast)
    invitation(session, Invitation.Role.LEARNER, cast.learner.pk).delete()
    room = Room.objects.create(session=session)
    _host(room, cast)
    assert not all_arrived(room, _everyone(room))  # before: the host alone was "everyone"
    waiting = _guardian_in(room, session, cast)
    Participant.objects.filter(pk=waiting.pk).update(presence=Presence.WAITING)
    assert not all_arrived(room, _everyone(room))  # still at the door: locking would shut them out
    Participant.objects.filter(pk=waiting.pk).update(presence=Presence.ADMITTED)
    assert all_arrived(room, _everyone(room))
