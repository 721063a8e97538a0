"""The pre-call check of staff (SES-14): who may do it, the checklist it needs, what is kept
and audited, and that the room sends staff to it before letting them in."""

import json
import time
from dataclasses import replace
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import LazySettings

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.records.selectors import attendance_of
from chaperon.rooms import services
from chaperon.rooms.models import Participant, RoomEvent
from chaperon.sessions.attendance import PreCallResults, attendance_joined, session_attendance
from chaperon.sessions.models import Invitation, PreCallCheck, SessionAttendance
from tests.conftest import Cast, signed_in

from .helpers import (
    ORIGIN,
    booked,
    communicator,
    entered_client,
    entry_cookie,
    invitation,
    pre_call_checked,
    run_async,
    staff_cookie,
    state,
    until,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-14")]

ALL_GOOD = PreCallResults(
    camera=True,
    microphone=True,
    signalling=True,
    relay="reached",
    not_bedroom=True,
    background_appropriate=True,
    applications_closed=True,
)
CHECKLIST_POST = {"not_bedroom": "on", "background_appropriate": "on", "applications_closed": "on"}


@pytest.mark.parametrize("who", ["teacher2", "outsider", "dsl"])
def test_only_the_sessions_staff_check_for_its_room(cast: Cast, who: str) -> None:
    session = booked(cast, checked=False)
    with pytest.raises(PermissionDenied):
        services.room_pre_call_check(
            actor=getattr(cast, who), session_id=session.pk, results=ALL_GOOD
        )
    assert not PreCallCheck.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ROOM_PRE_CALL_CHECKED).exists()


@pytest.mark.parametrize(
    "unticked", ["not_bedroom", "background_appropriate", "applications_closed"]
)
def test_each_line_of_the_checklist_is_needed(cast: Cast, unticked: str) -> None:
    session = booked(cast, checked=False)
    changes: dict[str, Any] = {unticked: False}
    with pytest.raises(ValidationFailed) as refused:
        services.room_pre_call_check(
            actor=cast.teacher, session_id=session.pk, results=replace(ALL_GOOD, **changes)
        )
    assert list(refused.value.errors) == [unticked]
    assert not PreCallCheck.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ROOM_PRE_CALL_CHECKED).exists()


def test_the_check_is_kept_audited_and_goes_with_the_staff_members_attendance(
    cast: Cast,
) -> None:
    session = booked(cast, checked=False)
    found = replace(ALL_GOOD, microphone=False, relay="failed")
    check = services.room_pre_call_check(actor=cast.teacher, session_id=session.pk, results=found)
    assert (check.camera, check.microphone, check.relay, check.blur) == (
        True,
        False,
        "failed",
        "unavailable",
    )
    event = AuditEvent.objects.get(action=AuditAction.ROOM_PRE_CALL_CHECKED)
    assert event.actor_id == cast.teacher.pk
    said = json.loads(event.data)
    assert said["relay"] == "failed" and said["microphone"] is False and said["check"] == check.pk
    stay = attendance_joined(
        session=session,
        display_name=cast.teacher.full_name,
        role="staff",
        at=check.checked_at,
        user=cast.teacher,
    )
    assert SessionAttendance.objects.get(pk=stay.pk).pre_call_check_id == check.pk
    (entry,) = session_attendance(session=session)
    assert "microphone not heard" in entry.pre_call_check
    assert "TURN relay not reached" in entry.pre_call_check
    assert "background blur not available on this device" in entry.pre_call_check
    (row,) = attendance_of(session)  # the meeting record's attendance shows it
    assert row.pre_call_check == entry.pre_call_check


def test_the_room_sends_staff_to_the_check_first_and_lets_them_in_after(cast: Cast) -> None:
    session = booked(cast, checked=False)
    teacher = signed_in(cast.teacher)
    response = teacher.get(f"/rooms/{session.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/rooms/{session.pk}/check/"
    page = teacher.get(f"/rooms/{session.pk}/check/").content.decode()
    assert "Background blur is not available on this device" in page
    assert 'data-turn="no"' in page

    refused = teacher.post(f"/rooms/{session.pk}/check/", {"not_bedroom": "on", "relay": "failed"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Confirm that what is behind you is appropriate" in text
    assert "Confirm that other applications are closed" in text
    assert not PreCallCheck.objects.exists()

    done = teacher.post(
        f"/rooms/{session.pk}/check/",
        {**CHECKLIST_POST, "camera": "true", "microphone": "true", "relay": "not_configured"},
    )
    assert done.status_code == 302 and done["Location"] == f"/rooms/{session.pk}/"
    check = PreCallCheck.objects.get()
    assert (check.user_id, check.camera, check.signalling) == (cast.teacher.pk, True, False)
    assert teacher.get(f"/rooms/{session.pk}/").status_code == 200


def test_learners_and_strangers_have_no_check_and_no_relay_credential(
    cast: Cast, settings: LazySettings
) -> None:
    settings.ROOM_TURN_URLS = ["turn:127.0.0.1:3478"]
    settings.ROOM_TURN_SECRET = "north-star-secret"
    session = booked(cast, checked=False)
    learner = entered_client(session, cast.learner)
    assert learner.get(f"/rooms/{session.pk}/check/").status_code == 403
    assert learner.post(f"/rooms/{session.pk}/check/", CHECKLIST_POST).status_code == 403
    relay = learner.post(f"/rooms/{session.pk}/check/relay/")
    assert relay.status_code == 403 and b"credential" not in relay.content
    stranger = signed_in(cast.teacher2).post(f"/rooms/{session.pk}/check/relay/")
    assert stranger.status_code == 403
    assert not PreCallCheck.objects.exists()
    # A learner's room page does not send them to a check: only staff do one.
    assert learner.get(f"/rooms/{session.pk}/").status_code == 200


def test_the_staff_relay_credential_lasts_minutes(cast: Cast, settings: LazySettings) -> None:
    settings.ROOM_ICE_SERVERS = []
    settings.ROOM_TURN_URLS = ["turn:127.0.0.1:3478"]
    settings.ROOM_TURN_SECRET = "north-star-secret"
    session = booked(cast, checked=False)
    teacher = signed_in(cast.teacher)
    assert 'data-turn="yes"' in teacher.get(f"/rooms/{session.pk}/check/").content.decode()
    before = int(time.time())
    response = teacher.post(f"/rooms/{session.pk}/check/relay/")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    (server,) = response.json()["ice_servers"]
    assert server["urls"] == ["turn:127.0.0.1:3478"]
    expiry, opaque = server["username"].split(":")
    assert opaque == f"c{cast.teacher.pk}"
    assert before + 5 * 60 <= int(expiry) <= time.time() + 5 * 60
    pre_call_checked(cast.teacher, session)  # the page never carries a credential
    room = teacher.get(f"/rooms/{session.pk}/").content.decode()
    assert "north-star-secret" not in room and server["credential"] not in room


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["teacher", "learner", "teacher2", "anonymous"])
def test_only_the_sessions_staff_reach_the_checks_socket(cast: Cast, who: str) -> None:
    session = booked(cast, checked=False)
    cookie = {
        "teacher": lambda: staff_cookie(cast.teacher),
        "teacher2": lambda: staff_cookie(cast.teacher2),
        "learner": lambda: entry_cookie(
            invitation(session, Invitation.Role.LEARNER, cast.learner.pk)
        ),
        "anonymous": lambda: "",
    }[who]()

    async def scenario() -> object:
        from chaperon.asgi import application

        headers = [ORIGIN] + ([(b"cookie", f"sessionid={cookie}".encode())] if cookie else [])
        ws = WebsocketCommunicator(application, f"/ws/rooms/{session.pk}/check/", headers)
        connected, code = await ws.connect()
        if not connected:
            return code
        await ws.send_to(text_data=json.dumps({"type": "ping"}))
        answer = json.loads(await ws.receive_from(timeout=5))
        await ws.disconnect()
        return answer

    outcome = run_async(scenario)
    if who == "teacher":
        assert outcome == {"type": "pong"}
    else:
        assert outcome == 4403
    assert not Participant.objects.exists()  # nobody came into the room


@pytest.mark.django_db(transaction=True)
def test_the_rooms_socket_refuses_staff_without_a_check_and_keeps_nothing(cast: Cast) -> None:
    session = booked(cast, checked=False)
    cookie = staff_cookie(cast.teacher)
    audited = AuditEvent.objects.count()

    async def scenario() -> tuple[bool, dict[str, Any], object]:
        ws = communicator(session, cookie)
        connected, _ = await ws.connect()
        refused = json.loads(await ws.receive_from(timeout=5))
        closed = await ws.receive_output(timeout=5)
        return connected, refused, closed.get("code")

    connected, refused, code = run_async(scenario)
    assert connected  # accepted, then told why, as at a locked door
    assert refused == {
        "type": "refused",
        "code": "check_first",
        "message": f"Check your camera, microphone and setting first: /rooms/{session.pk}/check/",
    }
    assert code == 4423
    assert not Participant.objects.exists()
    assert not SessionAttendance.objects.exists()
    assert not RoomEvent.objects.exists()
    assert AuditEvent.objects.count() == audited


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["teacher", "learner"])
def test_the_rooms_socket_lets_checked_staff_and_learners_in(cast: Cast, who: str) -> None:
    session = booked(cast, checked=False)
    if who == "teacher":
        pre_call_checked(cast.teacher, session)
        cookie = staff_cookie(cast.teacher)
    else:  # a learner never does a check
        cookie = entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))

    async def scenario() -> dict[str, Any]:
        ws = communicator(session, cookie)
        assert (await ws.connect())[0]
        first = await until(ws, state())
        await ws.disconnect()
        return first

    first = run_async(scenario)
    assert first["me"]["presence"] == ("admitted" if who == "teacher" else "waiting")
    (participant,) = Participant.objects.all()
    assert participant.role == ("staff" if who == "teacher" else "learner")
    stays = SessionAttendance.objects.filter(session=session)
    if who == "teacher":
        assert stays.get().pre_call_check_id == PreCallCheck.objects.get().pk
    else:
        assert not stays.exists() and not PreCallCheck.objects.exists()


@pytest.mark.parametrize(
    ("blur", "summary"),
    [
        ("on", "background blurred"),
        ("off", "background blur available, not used"),
        ("", "background blur not available on this device"),  # not sent: unavailable
    ],
)
def test_what_the_check_found_of_background_blur_is_kept_and_shown(
    cast: Cast, blur: str, summary: str
) -> None:
    session = booked(cast, checked=False)
    teacher = signed_in(cast.teacher)
    page = teacher.get(f"/rooms/{session.pk}/check/")
    assert 'id="blur-files"' in page.content.decode()  # the model's files, all of this site
    assert "'wasm-unsafe-eval'" in page["Content-Security-Policy"]
    assert "'unsafe-eval'" not in page["Content-Security-Policy"]
    done = teacher.post(
        f"/rooms/{session.pk}/check/",
        {**CHECKLIST_POST, "camera": "true", "relay": "not_configured", "blur": blur},
    )
    assert done.status_code == 302
    check = PreCallCheck.objects.get()
    assert check.blur == (blur or "unavailable")
    event = AuditEvent.objects.get(action=AuditAction.ROOM_PRE_CALL_CHECKED)
    assert json.loads(event.data)["blur"] == check.blur
    attendance_joined(
        session=session,
        display_name="Terry Finch",
        role="staff",
        at=check.checked_at,
        user=cast.teacher,
    )
    (entry,) = session_attendance(session=session)
    assert entry.pre_call_check.endswith("; " + summary)
    # The room blurs the camera of the member of staff who chose it, and only theirs.
    room = teacher.get(f"/rooms/{session.pk}/")
    assert room.status_code == 200
    assert ('id="blur-files"' in room.content.decode()) == (blur == "on")
    assert ("'wasm-unsafe-eval'" in room["Content-Security-Policy"]) == (blur == "on")


def test_a_blur_result_the_room_does_not_know_is_refused(cast: Cast) -> None:
    session = booked(cast, checked=False)
    with pytest.raises(ValidationFailed) as refused:
        services.room_pre_call_check(
            actor=cast.teacher, session_id=session.pk, results=replace(ALL_GOOD, blur="fuzzy")
        )
    assert refused.value.errors["blur"].endswith("one of off, on, unavailable")
    posted = signed_in(cast.teacher).post(
        f"/rooms/{session.pk}/check/", {**CHECKLIST_POST, "relay": "failed", "blur": "fuzzy"}
    )
    assert posted.status_code == 400
    assert not PreCallCheck.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ROOM_PRE_CALL_CHECKED).exists()
