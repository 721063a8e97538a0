"""Abuse limits that hold (ROOM-1, ROOM-2, ROOM-4): messages per connection, refusals audited
once per connection and kind, the chat's length and rate, and passcode tries counted
atomically."""

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import ValidationFailed
from chaperon.rooms import limits, services
from chaperon.rooms.models import PasscodeAttempts, RoomEvent
from chaperon.sessions.models import Invitation
from tests.conftest import Cast

from .helpers import (
    booked,
    communicator,
    entry_cookie,
    invitation,
    learner_token,
    run_async,
    staff_cookie,
    started,
    state,
    until,
)


def test_a_connections_budget_refills_with_time(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(limits, "clock", lambda: now[0])
    budget = limits.MessageBudget()
    assert all(budget.take() for _ in range(limits.MESSAGE_BURST))
    assert not budget.take() and budget.dropped == 1
    now[0] += 1.0
    taken = [budget.take() for _ in range(limits.MESSAGES_PER_SECOND + 1)]
    assert taken.count(True) == limits.MESSAGES_PER_SECOND and budget.dropped == 2
    assert not budget.exhausted


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("ROOM-4")
@pytest.mark.clause("ROOM-1")
def test_a_flood_from_a_waiting_guest_is_audited_once_and_its_connection_closed(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "clock", lambda: 100.0)  # no time passes: no refill
    session = booked(cast)
    host_cookie = staff_cookie(cast.teacher)
    guest_cookie = entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        host = communicator(session, host_cookie)
        assert (await host.connect())[0]
        await until(host, state())
        guest = communicator(session, guest_cookie)
        assert (await guest.connect())[0]
        await until(guest, state(lambda m: m["me"]["presence"] == "waiting"))
        for _ in range(300):
            await guest.send_to(text_data=json.dumps({"type": "share-screen", "on": True}))
        replies: list[dict[str, Any]] = []
        while True:
            output = await guest.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                break
            replies.append(json.loads(output["text"]))
        await host.disconnect()
        return replies, output

    replies, closed = run_async(scenario)
    assert closed["code"] == 4429
    errors = [reply for reply in replies if reply["type"] == "error"]
    refused = [e for e in errors if "cannot share" in e["message"]]
    too_many = [e for e in errors if e.get("code") == "too_many"]
    assert len(refused) == limits.MESSAGE_BURST  # the rest were dropped unread
    assert [e["message"].split(":")[0] for e in too_many] == ["Too many messages"] * 2
    assert "closed" in too_many[-1]["message"]
    # One audit row and one room event for the refused kind, however many times it came.
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_SCREEN_SHARE_REFUSED).count() == 1
    [event] = RoomEvent.objects.filter(kind="screen_share_refused")
    assert event.data["count"] == limits.MESSAGE_BURST and event.data["how"] == "share-screen"
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_TOO_MANY_MESSAGES).count() == 1
    assert RoomEvent.objects.filter(kind="too_many_messages").count() == 1


@pytest.mark.django_db
@pytest.mark.clause("ROOM-1")
def test_the_chat_has_a_length_and_a_rate_limit(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, learner = started(cast)
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    with pytest.raises(ValidationFailed) as too_long:
        services.room_chat(participant_id=learner.pk, text="x" * 2001)
    assert "keep a message to 2000 characters; this one has 2001" in str(too_long.value)
    for number in range(20):
        services.room_chat(participant_id=learner.pk, text=f"message {number}")
    with pytest.raises(ValidationFailed) as too_fast:
        services.room_chat(participant_id=learner.pk, text="one more")
    assert "20 messages in the last minute" in str(too_fast.value)
    assert RoomEvent.objects.filter(kind="chat").count() == 20
    later = now + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.room_chat(participant_id=learner.pk, text="one more")
    assert RoomEvent.objects.filter(kind="chat").count() == 21


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("ROOM-2")
def test_parallel_wrong_passcodes_get_exactly_the_allowed_tries(cast: Cast, settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    settings.ROOM_PASSCODE_ATTEMPTS = 5
    session = booked(cast)
    url = f"/rooms/enter/{learner_token(session, cast.learner)}/"
    tries = 30
    start = threading.Barrier(tries, timeout=60)
    outcomes: list[str] = []

    def wrong_passcode() -> None:
        try:
            client = Client()
            start.wait()
            content = client.post(url, {"passcode": "not-the-passcode"}).content
            outcomes.append("refused" if b"Too many" in content else "tried")
        finally:
            connection.close()

    threads = [threading.Thread(target=wrong_passcode) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == tries
    assert outcomes.count("tried") == 5 and outcomes.count("refused") == 25
    assert PasscodeAttempts.objects.get().failures == 5
    assert RoomEvent.objects.filter(kind="passcode_refused").count() == 5
