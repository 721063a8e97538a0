"""Faults in the room (SES-3, REC-10): one clock per room whose failures are logged, a room
set straight after its server stopped mid-recording, and media chunks for a closed recording
refused in words."""

import asyncio
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.recordings.models import Recording
from chaperon.recordings.services import recording_mark_interrupted
from chaperon.rooms import selectors, services, ticker
from chaperon.rooms.models import Participant, Presence, RecordingState, Room, RoomEvent
from chaperon.rooms.services import recorder
from chaperon.sessions.attendance import session_attendance
from chaperon.sessions.models import Invitation
from tests.conftest import Cast

from .helpers import (
    FakeVault,
    booked,
    communicator,
    entry_cookie,
    host_in,
    invitation,
    run_async,
    staff_cookie,
    started,
    state,
    until,
)


async def _eventually(check: Any, *, timeout: float = 10) -> None:
    """Wait in the event loop until ``check()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.02)


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("SES-3")
def test_a_room_has_one_clock_however_many_connections(cast: Cast) -> None:
    session = booked(cast)
    host_cookie = staff_cookie(cast.teacher)
    learner_cookie = entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))

    async def scenario() -> list[int]:
        counts = []
        host = communicator(session, host_cookie)
        assert (await host.connect())[0]
        await until(host, state())
        counts.append(ticker.running(session.pk))
        learner = communicator(session, learner_cookie)
        assert (await learner.connect())[0]
        await until(learner, state())
        counts.append(ticker.running(session.pk))
        await learner.disconnect()
        counts.append(ticker.running(session.pk))
        await host.disconnect()
        counts.append(ticker.running(session.pk))
        return counts

    assert run_async(scenario) == [1, 1, 1, 0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("SES-3")
def test_a_failing_tick_is_logged_and_the_clock_goes_on(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    session = booked(cast)
    host_cookie = staff_cookie(cast.teacher)
    calls: list[int] = []

    def tick(*, session_id: int) -> None:
        calls.append(session_id)
        if len(calls) == 1:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "room_tick", tick)
    monkeypatch.setattr(ticker, "TICK_SECONDS", 0.01)

    async def scenario() -> None:
        host = communicator(session, host_cookie)
        assert (await host.connect())[0]
        await until(host, state())
        await _eventually(lambda: len(calls) >= 2)
        await host.disconnect()

    with caplog.at_level(logging.ERROR, logger="chaperon.rooms.ticker"):
        run_async(scenario)
    [failure] = [r for r in caplog.records if r.name == "chaperon.rooms.ticker"]
    assert f"session {session.pk} failed to tick" in failure.getMessage()
    assert failure.exc_info is not None and "database went away" in str(failure.exc_info[1])
    assert calls[:2] == [session.pk, session.pk]


@pytest.mark.django_db
@pytest.mark.clause("REC-10")
def test_after_the_server_stopped_the_room_no_longer_claims_to_record(
    cast: Cast, vault: FakeVault, django_capture_on_commit_callbacks: Any
) -> None:
    session, learner = started(cast, recording=True)
    Participant.objects.update(connected=True, channel_name="gone")
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    assert Room.objects.get().recording_state == RecordingState.ON
    # The server process died: nothing has ticked the room for a minute, its rows unchanged.
    Room.objects.update(ticked_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        host = host_in(session, cast)  # the host's browser reconnects to the restarted server
    room = Room.objects.get()
    assert room.recording_state == RecordingState.OFF
    view = selectors.room_view(participant_id=host.pk)
    assert view["room"]["recording"] == "off"
    learner.refresh_from_db()
    assert not learner.connected and learner.presence == Presence.ADMITTED
    assert all(entry.left_at is not None for entry in session_attendance(session=session)[:2])
    assert RoomEvent.objects.filter(kind="server_stopped").count() == 1
    assert RoomEvent.objects.filter(kind="recording_interrupted").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_RECORDING_INTERRUPTED).count() == 1
    assert len(vault.finished) == 1  # the vault closes its tracks where they stand

    # While the room is ticked, a new connection disturbs nobody.
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    Participant.objects.update(connected=True)
    host_in(session, cast)
    assert Room.objects.get().recording_state == RecordingState.ON
    assert Participant.objects.get(pk=learner.pk).connected
    assert RoomEvent.objects.filter(kind="server_stopped").count() == 1


@pytest.mark.django_db
@pytest.mark.clause("REC-10")
def test_a_chunk_for_a_recording_that_has_closed_is_refused_not_an_error(
    cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.VAULT_DIR = tmp_path / "vault"
    session, learner = started(cast, recording=True)
    Participant.objects.update(connected=True)
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    recording = Recording.objects.get()
    holder = recorder.TrackHolder()
    assert recording_mark_interrupted(recording_id=recording.pk)  # closed under the room
    assert not recorder.recording_chunk(participant_id=learner.pk, data=b"late", holder=holder)
    assert holder.writer is None and recording.tracks.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("REC-10")
def test_chunks_while_not_recording_get_one_clear_refusal(cast: Cast) -> None:
    session = booked(cast)
    host_cookie = staff_cookie(cast.teacher)
    learner_cookie = entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))

    async def scenario() -> list[dict[str, Any]]:
        host = communicator(session, host_cookie)
        assert (await host.connect())[0]
        await until(host, state())
        learner = communicator(session, learner_cookie)
        assert (await learner.connect())[0]
        await until(learner, state())
        for _ in range(3):
            await learner.send_to(bytes_data=b"\x1a\x45\xdf\xa3 a webm chunk")
        await learner.send_to(text_data=json.dumps({"type": "ping", "id": 1}))
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["type"] != "pong":
            seen.append(await learner.receive_json_from(timeout=5))
        await learner.disconnect()
        await host.disconnect()
        return seen

    errors = [m for m in run_async(scenario) if m["type"] == "error"]
    assert len(errors) == 1 and errors[0]["for"] == "chunk"
    assert "not kept" in errors[0]["message"]
