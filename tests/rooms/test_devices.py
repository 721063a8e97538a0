"""A join link is bound to the device that was admitted with it (ROOM-1, ROOM-6): the same
link and passcode opened in another browser wait as a second device, the host is told, and
the first device keeps its place until the host chooses."""

import json

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.rooms.models import Participant, Presence, RoomEvent
from chaperon.sessions.attendance import session_attendance
from chaperon.sessions.models import Invitation, Session
from tests.conftest import Cast

from .helpers import (
    booked,
    communicator,
    entry_cookie,
    invitation,
    run_async,
    staff_cookie,
    state,
    until,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _learner_entry(session: Session, cast: Cast) -> str:
    """A browser that entered the learner's link and passcode."""
    return entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))


async def _send(ws, **message) -> None:
    await ws.send_to(text_data=json.dumps(message))


async def _in_a_locked_call(session: Session, host_cookie: str, learner_cookie: str):
    """Host and learner in a started 1:1, the room locked. Returns both connections."""
    host = communicator(session, host_cookie)
    assert (await host.connect())[0]
    await until(host, state(lambda m: m["me"]["host"]))
    learner = communicator(session, learner_cookie)
    assert (await learner.connect())[0]
    waiting = await until(learner, state(lambda m: m["me"]["presence"] == "waiting"))
    await _send(host, type="admit", participant=waiting["me"]["id"])
    await until(learner, state(lambda m: m["me"]["presence"] == "admitted"))
    await _send(learner, type="agree")
    await until(host, state(lambda m: any(p["agreed"] for p in m["people"] if not p["host"])))
    await _send(host, type="start", adult_present=True)
    await until(learner, state(lambda m: m["room"]["started_at"]))
    await _send(host, type="lock", locked=True)
    await until(host, state(lambda m: m["room"]["locked"]))
    return host, learner


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-6")
def test_a_forwarded_link_waits_as_a_second_device_and_the_host_is_told(cast: Cast) -> None:
    session = booked(cast)
    host_cookie, first_cookie = staff_cookie(cast.teacher), _learner_entry(session, cast)
    forwarded_cookie = _learner_entry(session, cast)  # another browser, same link and passcode

    async def scenario() -> tuple[dict, dict, dict]:
        host, first = await _in_a_locked_call(session, host_cookie, first_cookie)
        second = communicator(session, forwarded_cookie)
        assert (await second.connect())[0]
        arrived = await until(second, state())
        warning = await until(host, lambda m: m["type"] == "warning")
        seen = await until(host, state(lambda m: m["waiting"]))
        # The host refuses it; the first device is still in the call.
        await _send(host, type="refuse", participant=arrived["me"]["id"])
        refused = await until(second, lambda m: m["type"] == "refused")
        assert (await second.receive_output())["code"] == 4403
        await _send(first, type="ping", id=1)
        assert (await until(first, lambda m: m["type"] in ("pong", "removed")))["type"] == "pong"
        await first.disconnect()
        await host.disconnect()
        return arrived, warning, {"seen": seen, "refused": refused}

    arrived, warning, host_saw = run_async(scenario)
    assert arrived["me"]["presence"] == "waiting" and arrived["me"]["second_device"]
    assert arrived["people"] == []  # someone waiting sees nobody in the call
    assert warning["code"] == "second_device" and "Robin Alder" in warning["message"]
    [waiting] = host_saw["seen"]["waiting"]
    assert waiting["name"] == "Robin Alder" and waiting["second_device"]
    assert host_saw["refused"]["code"] == "refused"

    first, second = Participant.objects.filter(role="learner").order_by("id")
    assert first.presence == Presence.ADMITTED and not first.second_device
    assert second.presence == Presence.REFUSED and second.second_device
    assert first.device_hash != second.device_hash and len(first.device_hash) == 64
    assert not RoomEvent.objects.filter(kind="joined", participant=second).exists()
    assert not RoomEvent.objects.filter(kind="joined", data__rejoined=True).exists()
    assert RoomEvent.objects.filter(kind="second_device", participant=second).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_SECOND_DEVICE).count() == 1
    # Attendance counts the learner once: the stay of the device that was admitted.
    learner_stays = [e for e in session_attendance(session=session) if e.role == "learner"]
    assert len(learner_stays) == 1


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-6")
def test_the_admitted_device_comes_back_in_but_another_waits(cast: Cast) -> None:
    session = booked(cast)
    host_cookie, first_cookie = staff_cookie(cast.teacher), _learner_entry(session, cast)

    async def scenario() -> tuple[dict, dict]:
        host, first = await _in_a_locked_call(session, host_cookie, first_cookie)
        await first.disconnect()  # the learner's connection drops
        await until(host, state(lambda m: not any(p["role"] == "learner" for p in m["people"])))
        # The same link in the same browser session, but another device's secret.
        other = communicator(session, first_cookie, device="a-secret-held-by-another-browser!!")
        assert (await other.connect())[0]
        other_state = await until(other, state())
        await other.disconnect()
        back = communicator(session, first_cookie)  # the first device again
        assert (await back.connect())[0]
        back_state = await until(back, state())
        await back.disconnect()
        await host.disconnect()
        return other_state, back_state

    other, back = run_async(scenario)
    assert other["me"]["presence"] == "waiting" and other["me"]["second_device"]
    assert back["me"]["presence"] == "admitted" and back["me"]["agreed"]
    assert RoomEvent.objects.filter(kind="joined", data__rejoined=True).count() == 1


@pytest.mark.clause("ROOM-1")
def test_the_host_may_let_the_second_device_in_instead(cast: Cast) -> None:
    session = booked(cast)
    host_cookie, first_cookie = staff_cookie(cast.teacher), _learner_entry(session, cast)
    new_phone_cookie = _learner_entry(session, cast)

    async def scenario() -> tuple[dict, int]:
        host, first = await _in_a_locked_call(session, host_cookie, first_cookie)
        second = communicator(session, new_phone_cookie)
        assert (await second.connect())[0]
        arrived = await until(second, state())
        await _send(host, type="admit", participant=arrived["me"]["id"])
        removed = await until(first, lambda m: m["type"] == "removed")
        closed = (await first.receive_output())["code"]
        await until(second, state(lambda m: m["me"]["presence"] == "admitted"))
        await second.disconnect()
        await host.disconnect()
        return removed, closed

    removed, closed = run_async(scenario)
    assert "on another device" in removed["message"] and closed == 4403
    first, second = Participant.objects.filter(role="learner").order_by("id")
    assert first.presence == Presence.REMOVED and second.presence == Presence.ADMITTED
    assert RoomEvent.objects.filter(kind="device_replaced", participant=first).count() == 1
    last_admitted = AuditEvent.objects.filter(action=AuditAction.ROOM_ADMITTED).last()
    assert last_admitted is not None
    assert json.loads(last_admitted.data) == {"participant": second.pk, "instead_of": first.pk}
    stays = [e for e in session_attendance(session=session) if e.role == "learner"]
    assert len(stays) == 2 and stays[0].left_at is not None
