"""The door's hours: the room lets people in from ROOM_OPENS_MINUTES_BEFORE before the start
until the session's end (or the end the host extended it to); outside them it says when."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as date_format

from chaperon.rooms import services
from chaperon.rooms.models import Participant, Room, RoomEvent
from chaperon.rooms.permissions import Entrant
from chaperon.sessions.models import Session
from tests.conftest import Cast, signed_in

from .helpers import booked, learner_token, pre_call_checked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def door_hours(settings: Any) -> None:
    settings.ROOM_OPENS_MINUTES_BEFORE = 15
    cache.clear()


def _starting_in(session: Session, minutes: float) -> Session:
    Session.objects.filter(pk=session.pk).update(start=timezone.now() + timedelta(minutes=minutes))
    session.refresh_from_db()
    return session


def _local(session: Session, moment: datetime) -> str:
    return date_format(moment.astimezone(session.organisation.zone), "H:i")


def _enter(session: Session, cast: Cast) -> Any:
    token = learner_token(session, cast.learner)
    return Client().post(f"/rooms/enter/{token}/", {"passcode": session.passcode})


def test_too_early_the_door_says_when_it_opens(cast: Cast) -> None:
    session = _starting_in(booked(cast), 20)
    opens = _local(session, session.start - timedelta(minutes=15))

    response = _enter(session, cast)
    assert response.status_code == 403
    page = response.content.decode()
    assert f"The room opens at {opens} on" in page and "15 minutes before" in page
    staff = signed_in(cast.teacher).get(f"/rooms/{session.pk}/")
    assert staff.status_code == 403
    assert f"The room opens at {opens} on" in staff.content.decode()
    assert "The room is not open yet" in staff.content.decode()
    with pytest.raises(services.RoomRefused) as refused:
        services.room_connect(
            entrant=Entrant(session, cast.teacher.full_name, "staff", user=cast.teacher),
            channel_name="",
            device="",
        )
    assert refused.value.code == "early"
    # Nothing changed: no room state, nobody at the door, no wrong passcode counted.
    assert not Room.objects.exists() and not Participant.objects.exists()
    assert not RoomEvent.objects.exists()


@pytest.mark.parametrize("minutes_before", [14, 0, -30])
def test_the_door_is_open_from_a_quarter_of_an_hour_before_to_the_end(
    cast: Cast, minutes_before: int
) -> None:
    session = _starting_in(booked(cast), minutes_before)
    response = _enter(session, cast)
    assert response.status_code == 302, response.content
    pre_call_checked(cast.teacher, session)
    assert signed_in(cast.teacher).get(f"/rooms/{session.pk}/").status_code == 200


def test_the_opening_time_is_a_setting(cast: Cast, settings: Any) -> None:
    session = _starting_in(booked(cast), 20)
    assert _enter(session, cast).status_code == 403
    settings.ROOM_OPENS_MINUTES_BEFORE = 30
    assert _enter(session, cast).status_code == 302


def test_after_the_end_the_room_is_closed_unless_the_host_extended_it(cast: Cast) -> None:
    session = _starting_in(booked(cast), -41)  # 40 minutes long: ended a minute ago
    response = _enter(session, cast)
    assert response.status_code == 403
    closed = _local(session, session.end)
    assert f"The time for this session is over: the room closed at {closed}" in (
        response.content.decode()
    )
    staff = signed_in(cast.teacher).get(f"/rooms/{session.pk}/")
    assert staff.status_code == 403 and "The room has closed" in staff.content.decode()
    assert not Participant.objects.exists()

    # Started late, or extended by the host: the room's own end keeps the door open.
    Room.objects.create(
        session=session,
        started_at=session.start + timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(minutes=10),
    )
    assert _enter(session, cast).status_code == 302
    pre_call_checked(cast.teacher, session)
    assert signed_in(cast.teacher).get(f"/rooms/{session.pk}/").status_code == 200


def test_the_join_page_says_when_the_room_opens(cast: Cast) -> None:
    session = _starting_in(booked(cast), 60)
    opens = _local(session, session.start - timedelta(minutes=15))
    page = Client().get(f"/sessions/join/{learner_token(session, cast.learner)}/")
    assert page.status_code == 200
    assert "<dt>The room opens</dt><dd>" in page.content.decode()
    assert f"at {opens}</dd>" in page.content.decode()
