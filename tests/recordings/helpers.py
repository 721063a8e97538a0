"""Recordings made through the vault's own services, for tests."""

import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from chaperon.people.models import Learner, User
from chaperon.recordings.crypto import CHUNK_SIZE
from chaperon.recordings.models import Recording
from chaperon.recordings.services import (
    Appearance,
    recording_begin,
    recording_finish,
    track_open,
)
from chaperon.sessions.models import Session
from tests.conftest import Cast


def make_session(
    cast: Cast, *, learners: Sequence[Learner] = (), organiser: User | None = None
) -> Session:
    organiser = organiser or cast.teacher
    session = Session.objects.create(
        organisation=organiser.organisation,
        organiser=organiser,
        kind="group",
        title="Year 8 science catch-up",
        start=timezone.now() - timedelta(minutes=30),
        duration_minutes=60,
        status="open",
        recording_enabled=True,
        recording_purpose="So that any concern about the session can be looked at again",
    )
    session.staff.add(organiser)
    session.learners.add(*(learners or [cast.learner]))
    return session


def media(size: int, seed: int = 0) -> bytes:
    """Distinct bytes: every chunk differs, so a moved chunk would show."""
    block = os.urandom(64) if seed < 0 else bytes((i * 31 + seed) % 251 for i in range(251))
    return (block * (size // len(block) + 1))[:size]


def make_recording(
    cast: Cast,
    *,
    tracks: Sequence[bytes] = (),
    learner: Learner | None = None,
    session: Session | None = None,
    finish: bool = True,
) -> Recording:
    learner = learner or cast.learner
    session = session or make_session(cast, learners=[learner])
    recording = recording_begin(
        actor=session.organiser,
        session=session,
        purpose=session.recording_purpose,
        appearances=[
            Appearance(label=session.organiser.full_name, user_id=session.organiser.pk),
            Appearance(label=learner.full_name, learner_id=learner.pk),
        ],
    )
    for number, data in enumerate(tracks):
        writer = track_open(recording=recording, label=f"Person {number + 1}")
        for start in range(0, len(data), 300_000):  # pieces as a browser sends them
            writer.write(data[start : start + 300_000])
        writer.close()
    if finish:
        recording_finish(recording=recording)
    recording.refresh_from_db()
    return recording


TWO_AND_A_BIT = 2 * CHUNK_SIZE + 12_345


def track_file(vault_dir: Path, recording: Recording, number: int = 0) -> Path:
    """Where the local chunk store keeps a track's sealed chunks."""
    return vault_dir / recording.uuid.hex / f"track-{number}.chunks"


def flip(path: Path, offset: int) -> None:
    """Damage one stored byte."""
    stored = bytearray(path.read_bytes())
    stored[offset] ^= 0x01
    path.write_bytes(bytes(stored))
