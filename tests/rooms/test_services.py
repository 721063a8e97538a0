"""Room services without a connection: the policy at the door, time, extension, recording,
the passcode, and the room log (ROOM-2, ROOM-9, SES-3, REC-4, REC-6, REC-10)."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.consent.services.answers import consent_withdraw
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.rooms import services
from chaperon.rooms.models import (
    Participant,
    Presence,
    RecordingComfort,
    RecordingState,
    Room,
    RoomEvent,
)
from chaperon.rooms.permissions import Entrant
from chaperon.rooms.services import recorder
from chaperon.sessions.models import Invitation
from tests.conftest import Cast, signed_in

from .helpers import (
    PHONE,
    FakeVault,
    booked,
    host_in,
    invitation,
    learner_token,
    learner_waiting_in,
    started,
)


@pytest.mark.django_db
@pytest.mark.clause("ROOM-1")
def test_a_learner_whose_consent_was_withdrawn_is_not_admitted(cast: Cast) -> None:
    session = booked(cast)
    host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    consent_withdraw(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["live_one_to_one"],
        withdrawn_by_name="Morgan Alder",
        channel="phone",
        reason="Family decision",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=learner.pk)
    assert "consent" in str(refused.value).lower()
    learner.refresh_from_db()
    assert learner.presence == Presence.WAITING and learner.stay_id is None
    assert RoomEvent.objects.filter(kind="admission_blocked").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_ADMISSION_REFUSED).count() == 1


@pytest.mark.django_db
def test_only_the_host_admits(cast: Cast) -> None:
    session = booked(cast)
    host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    with pytest.raises(PermissionDenied):
        services.room_admit(actor=cast.dsl, session_id=session.pk, participant_id=learner.pk)
    learner.refresh_from_db()
    assert learner.presence == Presence.WAITING
    assert not AuditEvent.objects.filter(action=AuditAction.ROOM_ADMITTED).exists()


@pytest.mark.django_db
@pytest.mark.clause("SES-3")
def test_the_server_warns_then_ends_the_session_at_its_limit(cast: Cast) -> None:
    session, learner = started(cast)
    room = Room.objects.get(pk=session.pk)
    assert room.started_at is not None
    assert room.ends_at == room.started_at + timedelta(minutes=40)
    Room.objects.filter(pk=session.pk).update(ends_at=timezone.now() + timedelta(minutes=4))
    services.room_tick(session_id=session.pk)
    services.room_tick(session_id=session.pk)
    assert RoomEvent.objects.filter(kind="time_warning").count() == 1
    Room.objects.filter(pk=session.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    services.room_tick(session_id=session.pk)
    room.refresh_from_db()
    assert room.ended_at is not None and room.end_reason == "time"
    learner.refresh_from_db()
    assert learner.presence == Presence.LEFT
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_ENDED).count() == 1


@pytest.mark.django_db
@pytest.mark.clause("REC-6")
def test_a_recorded_session_asks_the_learner_in_the_agreement(cast: Cast, vault: FakeVault) -> None:
    """A learner who says they are not comfortable being recorded: the policy at the start
    does not let a recorded session open, so nothing can be recorded."""
    with pytest.raises(ValidationFailed) as refused:
        started(cast, comfortable=False, recording=True)
    assert "Robin Alder said they are not comfortable being recorded" in str(refused.value)
    room = Room.objects.get()
    assert room.started_at is None and room.recording_state == RecordingState.OFF
    with pytest.raises(ValidationFailed):
        recorder.recording_start(actor=cast.teacher, session_id=room.pk)
    assert vault.begun == []
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_START_REFUSED).count() == 1
    assert RoomEvent.objects.filter(kind="comfort_answered", data__comfortable=False).exists()
    assert RecordingComfort.objects.get().comfortable is False
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_RECORDING_COMFORT).count() == 1


@pytest.mark.django_db
@pytest.mark.clause("REC-4")
def test_recording_is_refused_without_written_consent(cast: Cast, vault: FakeVault) -> None:
    session, _ = started(cast, recording=True)
    consent_withdraw(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["recording"],
        withdrawn_by_name="Morgan Alder",
        channel="phone",
        reason="Changed our minds",
    )
    with pytest.raises(ValidationFailed) as refused:
        recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    assert "no written consent" in str(refused.value)
    assert vault.begun == []


@pytest.mark.django_db
@pytest.mark.clause("REC-10")
def test_recording_takes_each_persons_chunks_and_notices_a_gap(
    cast: Cast, vault: FakeVault, settings: Any
) -> None:
    session, learner = started(cast, recording=True)
    Participant.objects.update(connected=True)
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    assert Room.objects.get(pk=session.pk).recording_state == RecordingState.ON
    assert {a.label.split(" (")[0] for a in vault.begun[0]["appearances"]} == {
        "Robin Alder",
        "Terry Finch",
    }
    holder = recorder.TrackHolder()
    assert recorder.recording_chunk(participant_id=learner.pk, data=b"webm-1", holder=holder)
    # No chunk for longer than the gap: noticed while it lasts, kept when chunks come back.
    Participant.objects.filter(pk=learner.pk).update(
        last_chunk_at=timezone.now() - timedelta(seconds=settings.ROOM_TRACK_GAP_SECONDS + 2)
    )
    services.room_tick(session_id=session.pk)
    assert RoomEvent.objects.filter(kind="track_gap_noticed", participant=learner).exists()
    assert recorder.recording_chunk(participant_id=learner.pk, data=b"webm-2", holder=holder)
    assert vault.tracks[0].chunks == [b"webm-1", b"webm-2"]
    assert len(vault.gaps) == 1 and vault.gaps[0]["track_id"] == 1
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_TRACK_GAP).count() == 1
    recorder.recording_stop(actor=cast.teacher, session_id=session.pk)
    assert not recorder.recording_chunk(participant_id=learner.pk, data=b"late", holder=holder)
    assert vault.tracks[0].closed and vault.finished


@pytest.mark.django_db
@pytest.mark.clause("REC-4")
def test_someone_without_consent_joining_pauses_the_recording(cast: Cast, vault: FakeVault) -> None:
    session, _ = started(cast, recording=True)
    Participant.objects.update(connected=True)
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    guardian_invitation = invitation(session, Invitation.Role.GUARDIAN, cast.guardian.pk)
    guardian = services.room_connect(
        entrant=Entrant(session, "Morgan Alder", "guardian", invitation=guardian_invitation),
        channel_name="",
        device=PHONE,
    )
    consent_withdraw(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["recording"],
        withdrawn_by_name="Morgan Alder",
        channel="phone",
        reason="Changed our minds",
    )
    services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=guardian.pk)
    room = Room.objects.get(pk=session.pk)
    assert room.recording_state == RecordingState.PAUSED
    assert room.recording_paused_for == "Morgan Alder"
    assert AuditEvent.objects.filter(action=AuditAction.ROOM_RECORDING_PAUSED).count() == 1


@pytest.mark.django_db
@pytest.mark.clause("ROOM-2")
def test_wrong_passcodes_are_limited(cast: Cast, settings: Any) -> None:
    settings.ROOM_PASSCODE_ATTEMPTS = 2
    session = booked(cast)
    token = learner_token(session, cast.learner)
    client = Client()
    for _ in range(2):
        response = client.post(f"/rooms/enter/{token}/", {"passcode": "wrong"})
        assert response.status_code == 403 and b"not right" in response.content
    response = client.post(f"/rooms/enter/{token}/", {"passcode": session.passcode})
    assert response.status_code == 403 and b"Too many wrong passcodes" in response.content
    assert "room_entries" not in client.session
    assert RoomEvent.objects.filter(kind="passcode_refused").count() == 2


@pytest.mark.django_db
def test_the_right_passcode_opens_the_door(cast: Cast) -> None:
    session = booked(cast)
    client = Client()
    response = client.post(
        f"/rooms/enter/{learner_token(session, cast.learner)}/", {"passcode": session.passcode}
    )
    assert response.status_code == 302 and response["Location"] == f"/rooms/{session.pk}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("teacher2", 404), ("teacher", 200), ("dsl", 200)],
)
def test_the_room_log_shows_chat_escaped_to_staff_and_the_dsl(
    cast: Cast, who: str, status: int
) -> None:
    session, learner = started(cast)
    services.room_chat(participant_id=learner.pk, text="<script>alert(1)</script>")
    client = Client() if who == "anonymous" else signed_in(cast.user(who))
    response = client.get(f"/rooms/{session.pk}/log/")
    assert response.status_code == status
    if status == 200:
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
        assert b"<script>alert(1)" not in response.content


@pytest.mark.django_db
@pytest.mark.clause("REC-10")
def test_a_recording_reaches_the_vault(cast: Cast, settings: Any, tmp_path: Any) -> None:
    """With the real vault: each person's chunks become their track; stopping finishes it."""
    from chaperon.recordings.models import Recording

    settings.VAULT_DIR = tmp_path / "vault"
    session, learner = started(cast, recording=True)
    Participant.objects.update(connected=True)
    recorder.recording_start(actor=cast.teacher, session_id=session.pk)
    recording = Recording.objects.get(session=session)
    assert recording.appearances.count() == 2
    holder = recorder.TrackHolder()
    for number in range(3):
        recorder.recording_chunk(
            participant_id=learner.pk, data=b"x" * (1000 + number), holder=holder
        )
    recorder.recording_stop(actor=cast.teacher, session_id=session.pk)
    recorder.recording_chunk(participant_id=learner.pk, data=b"late", holder=holder)
    recording.refresh_from_db()
    assert recording.status in ("complete", "incomplete") and recording.finished_at is not None
    assert [track.label for track in recording.tracks.all()] == [recorder.track_label(learner)]
    assert recorder.track_label(learner) == f"{learner.display_name} (Learner)"
    assert Room.objects.get(pk=session.pk).recording_id is None


@pytest.mark.django_db
def test_the_room_log_reads_in_words_and_shows_no_ids(cast: Cast) -> None:
    session, _ = started(cast)
    invitation = Invitation.objects.get(session=session, role=Invitation.Role.GUARDIAN)
    with pytest.raises(services.RoomRefused):
        services.room_enter(invitation=invitation, passcode="wrong")
    services.room_end(session_id=session.pk, actor=cast.teacher, reason="host")

    page = signed_in(cast.dsl).get(f"/rooms/{session.pk}/log/").content.decode()
    assert "Wrong passcode" in page and f"link of {invitation.display_name}" in page
    assert "Session ended" in page and "ended by the host" in page
    assert "Arrived" in page
    for raw in (f"invitation: {invitation.pk}", "rejoined:", "passcode_refused", "reason: host"):
        assert raw not in page
