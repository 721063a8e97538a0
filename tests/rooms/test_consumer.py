"""The room's WebSocket, driven without a browser: who may connect, and what the server
refuses whatever a client sends (ROOM-1, ROOM-4, ROOM-5, ROOM-6, SES-4)."""

import json

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.rooms.models import Participant, Presence, Room, RoomEvent
from chaperon.sessions.models import Invitation
from tests import factories
from tests.conftest import Cast

from .helpers import (
    booked,
    communicator,
    entry_cookie,
    invitation,
    let_in,
    run_async,
    staff_cookie,
    state,
    until,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _learner_cookie(session, cast: Cast) -> str:
    return entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))


async def _admitted_pair(session, host_cookie: str, learner_cookie: str):
    """Host in, learner waiting then admitted; returns both connections."""
    host = communicator(session, host_cookie)
    assert (await host.connect())[0]
    await until(host, state(lambda m: m["me"]["host"]))
    learner = communicator(session, learner_cookie)
    assert (await learner.connect())[0]
    waiting = await until(learner, state(lambda m: m["me"]["presence"] == "waiting"))
    seen = await until(host, state(lambda m: m["waiting"]))
    assert seen["waiting"][0]["name"] == "Robin Alder"
    assert "Morgan Alder" in seen["waiting"][0]["linked_to"]
    await host.send_to(text_data=json.dumps({"type": "admit", "participant": waiting["me"]["id"]}))
    await until(learner, state(lambda m: m["me"]["presence"] == "admitted"))
    return host, learner, waiting["me"]["id"]


@pytest.mark.clause("ROOM-1")
@pytest.mark.parametrize("who", ["anonymous", "uninvited", "other_organisation", "host"])
def test_who_may_connect(cast: Cast, who: str) -> None:
    session = booked(cast)
    cookie = {
        "anonymous": None,
        "uninvited": staff_cookie(cast.teacher2),
        "other_organisation": staff_cookie(cast.outsider),
        "host": staff_cookie(cast.teacher),
    }[who]

    async def scenario() -> tuple[bool, object]:
        ws = communicator(session, cookie)
        connected, code = await ws.connect()
        if connected:
            first = await until(ws, state())
            await ws.disconnect()
            return True, first["me"]["presence"]
        return False, code

    connected, outcome = run_async(scenario)
    if who == "host":
        assert connected and outcome == "admitted"
    else:
        assert not connected and outcome == 4403
        assert not Participant.objects.exists()


@pytest.mark.clause("ROOM-1")
def test_a_learner_waits_and_a_removed_one_waits_again(cast: Cast) -> None:
    session = booked(cast)
    host_cookie, learner_cookie = staff_cookie(cast.teacher), _learner_cookie(session, cast)

    async def scenario() -> str:
        host, learner, learner_id = await _admitted_pair(session, host_cookie, learner_cookie)
        await host.send_to(text_data=json.dumps({"type": "remove", "participant": learner_id}))
        removed = await until(learner, lambda m: m["type"] == "removed")
        assert "removed" in removed["message"]
        await learner.wait()
        again = communicator(session, learner_cookie)
        assert (await again.connect())[0]
        back = await until(again, state())
        await again.disconnect()
        await host.disconnect()
        return back["me"]["presence"]

    assert run_async(scenario) == "waiting"
    assert RoomEvent.objects.filter(kind="removed").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_REMOVED).count() == 1


def test_a_learner_without_an_entry_for_this_session_is_turned_away(cast: Cast) -> None:
    session = booked(cast)
    someone = factories.learner(cast.organisation, first_name="Alex")
    factories.guardian(cast.organisation, of=someone, full_name="Jo Ash")
    other = booked(cast, learners=[someone], start=session.start.replace(hour=11))
    cookie = entry_cookie(invitation(other, Invitation.Role.LEARNER, someone.pk))

    async def scenario() -> object:
        ws = communicator(session, cookie)
        return await ws.connect()

    assert run_async(scenario) == (False, 4403)


@pytest.mark.clause("ROOM-5")
@pytest.mark.clause("ROOM-4")
def test_a_participant_cannot_rename_or_share_their_screen(cast: Cast) -> None:
    session = booked(cast)
    host_cookie, learner_cookie = staff_cookie(cast.teacher), _learner_cookie(session, cast)

    async def scenario() -> list[dict]:
        host, learner, _ = await _admitted_pair(session, host_cookie, learner_cookie)
        replies = []
        await learner.send_to(text_data=json.dumps({"type": "rename", "name": "Someone Else"}))
        replies.append(await until(learner, lambda m: m["type"] == "error"))
        await learner.send_to(text_data=json.dumps({"type": "agree", "name": "Someone Else"}))
        await until(learner, state(lambda m: m["me"]["agreed"]))
        await host.send_to(text_data=json.dumps({"type": "start", "adult_present": True}))
        await until(learner, state(lambda m: m["room"]["started_at"]))
        await learner.send_to(text_data=json.dumps({"type": "share-screen", "on": True}))
        replies.append(await until(learner, lambda m: m["type"] == "error"))
        host_id = (await until(host, state()))["me"]["id"]
        screen_offer = {
            "type": "signal",
            "to": host_id,
            "description": {"type": "offer", "sdp": "v=0\r\nm=video 9 UDP 96\r\n"},
            "tracks": {"t1": "screen"},
        }
        await learner.send_to(text_data=json.dumps(screen_offer))
        replies.append(await until(learner, lambda m: m["type"] == "error"))
        two_cameras = {
            "type": "signal",
            "to": host_id,
            "description": {
                "type": "offer",
                "sdp": "v=0\r\nm=video 9 UDP 96\r\na=sendrecv\r\n"
                "m=video 9 UDP 97\r\na=sendonly\r\n",
            },
            "tracks": {"t1": "camera", "t2": "camera"},
        }
        await learner.send_to(text_data=json.dumps(two_cameras))
        replies.append(await until(learner, lambda m: m["type"] == "error"))
        camera = {
            **two_cameras,
            "description": {"type": "offer", "sdp": "v=0\r\nm=video 9 UDP 96\r\na=sendrecv\r\n"},
        }
        await learner.send_to(text_data=json.dumps(camera))
        relayed = await until(host, lambda m: m["type"] in ("signal", "screen"))
        await learner.disconnect()
        await host.disconnect()
        return [*replies, relayed]

    rename, share, screen_offer, two_cameras, relayed = run_async(scenario)
    assert "cannot be changed" in rename["message"]
    assert all("cannot share" in m["message"] for m in (share, screen_offer, two_cameras))
    # Only the ordinary camera offer reached the host; nothing of the refused ones did.
    assert relayed["type"] == "signal" and relayed["tracks"] == {"t1": "camera", "t2": "camera"}
    learner = Participant.objects.get(role="learner")
    assert learner.display_name == "Robin Alder"
    # Recorded once per connection and way: the message, and the offers (counted twice).
    refusals = RoomEvent.objects.filter(kind="screen_share_refused").order_by("id")
    assert [(e.data["how"], e.data["count"]) for e in refusals] == [
        ("share-screen", 1),
        ("offer", 2),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_SCREEN_SHARE_REFUSED).count() == 2


@pytest.mark.clause("ROOM-6")
def test_a_locked_room_admits_nobody_even_with_a_valid_link(cast: Cast) -> None:
    session = booked(cast)
    host_cookie, learner_cookie = staff_cookie(cast.teacher), _learner_cookie(session, cast)

    async def scenario() -> tuple[object, dict]:
        host = communicator(session, host_cookie)
        await host.connect()
        await until(host, state())
        await host.send_to(text_data=json.dumps({"type": "lock", "locked": True}))
        await until(host, state(lambda m: m["room"]["locked"]))
        learner = communicator(session, learner_cookie)
        await learner.connect()
        refused = await until(learner, lambda m: m["type"] == "refused")
        closed = await learner.receive_output()
        await host.disconnect()
        return closed, refused

    closed, refused = run_async(scenario)
    assert refused["code"] == "locked" and closed == {"type": "websocket.close", "code": 4423}
    assert not Participant.objects.filter(role="learner", presence=Presence.ADMITTED).exists()
    assert not Participant.objects.filter(role="learner", connected=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_LOCKED).count() == 1
    # The room log keeps who was turned away, for the learner's chronology.
    turned_away = RoomEvent.objects.get(kind="refused_locked")
    assert turned_away.participant is not None
    invitation = turned_away.participant.invitation
    assert invitation is not None and invitation.person_id == cast.learner.pk
    assert not RoomEvent.objects.filter(kind="waiting").exists()


def test_a_ping_is_answered_after_what_came_before_it(cast: Cast) -> None:
    session = booked(cast)
    host_cookie = staff_cookie(cast.teacher)

    async def scenario() -> list[dict]:
        host = communicator(session, host_cookie)
        await host.connect()
        await until(host, state())
        await host.send_to(text_data=json.dumps({"type": "lock", "locked": True}))
        await host.send_to(text_data=json.dumps({"type": "ping", "id": 7}))
        seen: list[dict] = []
        while not seen or seen[-1]["type"] != "pong":
            seen.append(await host.receive_json_from(timeout=5))
        await host.disconnect()
        return seen

    seen = run_async(scenario)
    assert seen[-1] == {"type": "pong", "id": 7}
    assert any(m["type"] == "state" and m["room"]["locked"] for m in seen[:-1])


@pytest.mark.clause("SES-4")
def test_a_group_session_will_not_start_with_one_member_of_staff(cast: Cast) -> None:
    second = factories.learner(cast.organisation, first_name="Alex")
    factories.guardian(cast.organisation, of=second, full_name="Jo Ash")
    session = booked(cast, kind="group", learners=[cast.learner, second])
    host_cookie, teacher2_cookie = staff_cookie(cast.teacher), staff_cookie(cast.teacher2)

    async def scenario() -> tuple[dict, dict, dict]:
        host = communicator(session, host_cookie)
        await host.connect()
        await until(host, state())
        await host.send_to(text_data=json.dumps({"type": "start"}))
        refused = await until(host, lambda m: m["type"] == "error")
        other = communicator(session, teacher2_cookie)
        await other.connect()
        waiting = await until(other, state())
        await host.send_to(
            text_data=json.dumps({"type": "admit", "participant": waiting["me"]["id"]})
        )
        await until(other, state(lambda m: m["me"]["presence"] == "admitted"))
        await other.send_to(text_data=json.dumps({"type": "agree"}))
        await until(other, state(lambda m: m["me"]["agreed"]))
        await host.send_to(text_data=json.dumps({"type": "start"}))
        started = await until(host, state(lambda m: m["room"]["started_at"]))
        await other.send_to(text_data=json.dumps({"type": "leave"}))
        warning = await until(host, lambda m: m["type"] == "warning")
        await other.disconnect()
        await host.disconnect()
        return refused, started, warning

    refused, started, warning = run_async(scenario)
    assert refused["message"] == (
        "A group session needs two members of staff in the room before it starts."
    )
    assert started["room"]["ends_at"]
    assert warning["code"] == "staff_alone"
    assert RoomEvent.objects.filter(kind="start_refused").count() == 1
    alone = RoomEvent.objects.filter(kind="staff_alone").first()
    assert alone is not None and alone.participant is not None
    assert alone.participant.user == cast.teacher2
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_STAFF_LEFT).exists()
    assert Room.objects.get().started_at is not None


@pytest.mark.clause("ROOM-1")
def test_a_webinar_viewer_is_not_sent_the_other_viewers_comings_and_goings(cast: Cast) -> None:
    """Each state sent makes the connection's view be computed again: another viewer arriving,
    being let in and agreeing changes nothing on a viewer's page, so it is not sent there."""
    second = factories.learner(cast.organisation, first_name="Alex", last_name="Birch")
    factories.guardian(cast.organisation, of=second, full_name="Jo Birch")
    session = booked(cast, kind="group", learners=[cast.learner, second])
    session.kind = "webinar"
    session.save(update_fields=["kind"])
    second_cookie = entry_cookie(invitation(session, Invitation.Role.LEARNER, second.pk))

    async def scenario() -> tuple[list[dict], dict]:
        host, first, _ = await _admitted_pair(
            session, staff_cookie(cast.teacher), _learner_cookie(session, cast)
        )
        await first.send_to(text_data=json.dumps({"type": "agree"}))
        await until(first, state(lambda m: m["me"]["agreed"]))
        other, _ = await let_in(session, host, second_cookie)
        await other.send_to(text_data=json.dumps({"type": "agree"}))
        seen_by_host = await until(
            host,
            state(lambda m: any(p["name"] == "Alex Birch" and p["agreed"] for p in m["people"])),
        )
        # A change everyone sees: the first viewer's next state is this one.
        await host.send_to(text_data=json.dumps({"type": "lock", "locked": True}))
        states: list[dict] = []

        def kept_until_locked(message: dict) -> bool:
            states.append(message)
            return message["type"] == "state" and message["room"]["locked"]

        await until(first, kept_until_locked)
        for ws in (host, first, other):
            await ws.disconnect()
        return states, seen_by_host

    states, seen_by_host = run_async(scenario)
    assert [m["type"] for m in states] == ["state"]
    assert {p["id"] for p in states[0]["people"]} == {
        states[0]["me"]["id"],
        *(p["id"] for p in seen_by_host["people"] if p["role"] == "staff"),
    }
    assert {p["name"] for p in seen_by_host["people"]} >= {"Robin Alder", "Alex Birch"}
