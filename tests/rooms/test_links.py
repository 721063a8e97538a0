"""The session page links to its live room and its room log, each for those who may use it."""

import pytest
from django.utils import timezone

from chaperon.core.navigation import record_links_for
from chaperon.rooms.models import Room
from chaperon.sessions.models import Session, SessionStatus
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import booked, entered_client, pre_call_checked

pytestmark = pytest.mark.django_db

ROOM = "Go to the live room"
LOG = "Room log"


def _labels(user: object, session: Session) -> set[str]:
    session.refresh_from_db()
    return {link["label"] for link in record_links_for(user, session)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("teacher", {ROOM, LOG}),  # the organiser, who hosts
        ("teacher2", set()),  # staff of the organisation, not of this session
        ("dsl", {LOG}),
        ("deputy", {LOG}),
        ("slt", {LOG}),
        ("ict", set()),
        ("board", set()),
        ("admin", set()),
        ("outsider", set()),  # another organisation
    ],
)
def test_who_sees_the_room_and_its_log(cast: Cast, who: str, expected: set[str]) -> None:
    session = booked(cast)
    assert _labels(cast.user(who), session) == expected


def test_the_session_page_shows_the_links(cast: Cast) -> None:
    session = booked(cast)
    page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/rooms/{session.pk}/">{ROOM}</a>' in page
    assert f'href="/rooms/{session.pk}/log/">{LOG}</a>' in page
    page = signed_in(cast.dsl).get(f"/sessions/{session.pk}/").content.decode()
    assert ROOM not in page and f'href="/rooms/{session.pk}/log/">{LOG}</a>' in page
    assert signed_in(cast.outsider).get(f"/sessions/{session.pk}/").status_code == 404


def test_every_member_of_staff_of_a_group_session_goes_to_the_room(cast: Cast) -> None:
    second = factories.learner(cast.organisation, first_name="Alex")
    factories.guardian(cast.organisation, of=second, full_name="Jo Ash")
    session = booked(cast, kind="group", learners=[cast.learner, second])
    assert _labels(cast.teacher2, session) == {ROOM, LOG}
    assert _labels(cast.dsl, session) == {LOG}


@pytest.mark.parametrize("change", ["open", "cancelled", "other_platform", "room_ended"])
def test_the_room_link_only_while_the_room_can_be_used(cast: Cast, change: str) -> None:
    session = booked(cast)
    sessions = Session.objects.filter(pk=session.pk)
    if change == "open":
        sessions.update(status=SessionStatus.OPEN)
    elif change == "cancelled":
        sessions.update(status=SessionStatus.CANCELLED)
    elif change == "other_platform":
        sessions.update(platform="school-video")
    else:
        Room.objects.create(session=session, ended_at=timezone.now(), end_reason="host")
    expected = {"open": {ROOM, LOG}, "other_platform": set()}.get(change, {LOG})
    assert _labels(cast.teacher, session) == expected
    assert _labels(cast.dsl, session) == expected - {ROOM}


@pytest.mark.clause("ROOM-9")
def test_staff_in_the_room_note_a_concern_in_a_new_tab(cast: Cast) -> None:
    session = booked(cast)
    pre_call_checked(cast.teacher, session)
    page = signed_in(cast.teacher).get(f"/rooms/{session.pk}/").content.decode()
    assert (
        f'href="/concerns/new/?session={session.pk}" target="_blank" rel="noopener">'
        "Note a concern" in page
    )
    learner = entered_client(session, cast.learner).get(f"/rooms/{session.pk}/")
    assert learner.status_code == 200 and "Note a concern" not in learner.content.decode()


@pytest.mark.clause("ROOM-8")
def test_leave_and_report_is_a_link_to_the_session_report_form_before_any_script_runs(
    cast: Cast,
) -> None:
    session = booked(cast)
    learner = entered_client(session, cast.learner).get(f"/rooms/{session.pk}/")
    page = learner.content.decode()
    report = learner.context["report_url"]
    assert report.startswith("/report/")
    assert f'id="leave-button" href="{report}">Leave and report</a>' in page
    assert (
        '<button type="button" class="button button--danger room__big" id="leave-button"'
        not in page
    )
