"""Recording as it is made (REC-8): the interface the live room calls, streaming into sealed
chunks each fsynced as it completes; a process killed mid-recording leaves a readable,
incomplete recording; both chunk stores behave alike."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.recordings import tasks
from chaperon.recordings.crypto import CHUNK_SIZE, ChunkRejected
from chaperon.recordings.models import DataKey, Recording, RecordingStatus, Track, TrackGap
from chaperon.recordings.services import (
    Appearance,
    recording_add_appearance,
    recording_begin,
    recording_finish,
    track_gap,
    track_open,
)
from chaperon.recordings.storage import LocalChunkStore, StorageChunkStore
from chaperon.recordings.vault import open_track
from chaperon.sessions.models import Session
from tests.conftest import Cast

from .helpers import TWO_AND_A_BIT, flip, make_recording, make_session, media, track_file

pytestmark = [pytest.mark.clause("REC-8"), pytest.mark.clause("REC-1")]


@pytest.mark.django_db
def test_the_room_records_tracks_gaps_and_appearances_and_it_is_audited(cast: Cast) -> None:
    session = make_session(cast)
    recording = recording_begin(
        actor=cast.teacher,
        session=session,
        purpose="So that any concern can be looked at again",
        appearances=[Appearance(label="Terry Finch", user_id=cast.teacher.pk)],
    )
    recording_add_appearance(
        recording=recording, appearance=Appearance(label="Robin Alder", learner_id=cast.learner.pk)
    )
    recording_add_appearance(  # the same person again: once
        recording=recording, appearance=Appearance(label="Robin A.", learner_id=cast.learner.pk)
    )
    started = timezone.now()
    teacher = track_open(recording=recording, label="Terry Finch", started_at=started)
    learner = track_open(
        recording=recording, label="Robin Alder", started_at=started + timedelta(seconds=4)
    )
    teacher.write(media(CHUNK_SIZE + 10))
    learner.write(b"short")
    track_gap(
        track_id=learner.track_id,
        started_at=started + timedelta(seconds=10),
        ended_at=started + timedelta(seconds=14),
    )
    teacher.close()
    learner.close()
    recording_finish(recording=recording)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE
    assert recording.session == session and recording.started_by == cast.teacher
    assert list(recording.appearances.values_list("label", "learner_id", "user_id")) == [
        ("Terry Finch", None, cast.teacher.pk),
        ("Robin Alder", cast.learner.pk, None),
    ]
    assert [(t.number, t.label, t.chunk_count, t.size) for t in recording.tracks.all()] == [
        (0, "Terry Finch", 2, CHUNK_SIZE + 10),
        (1, "Robin Alder", 1, 5),
    ]
    assert TrackGap.objects.get().track_id == learner.track_id
    # The retention date comes from the recording policy (30 days unless changed).
    assert recording.retain_until - recording.started_at == timedelta(days=30)
    # The data key is stored only wrapped.
    key = DataKey.objects.get(recording=recording)
    assert key.key_id.startswith("file:") and len(bytes(key.wrapped)) == 12 + 32 + 16
    [began] = AuditEvent.objects.filter(action=AuditAction.RECORDING_STARTED)
    [finished] = AuditEvent.objects.filter(action=AuditAction.RECORDING_FINISHED)
    assert began.actor_id == cast.teacher.pk and began.object_id == str(recording.pk)
    assert began.details["session"] == session.pk and finished.details["status"] == "complete"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["teacher2", "dsl", "outsider"])
def test_only_staff_on_the_session_may_record_it(cast: Cast, name: str) -> None:
    session = make_session(cast)
    with pytest.raises(PermissionDenied):
        recording_begin(
            actor=cast.user(name),
            session=session,
            purpose="Review",
            appearances=[Appearance(label="Robin Alder", learner_id=cast.learner.pk)],
        )
    assert not Recording.objects.exists() and not DataKey.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RECORDING_STARTED).exists()


@pytest.mark.django_db
def test_a_recording_needs_a_stated_purpose(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        recording_begin(actor=cast.teacher, session=make_session(cast), purpose=" ", appearances=[])
    assert "purpose" in refused.value.errors
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_a_track_left_open_makes_the_recording_incomplete_but_readable(cast: Cast) -> None:
    recording = make_recording(cast, finish=False)
    writer = track_open(recording=recording, label="Robin Alder")
    data = media(2 * CHUNK_SIZE + 500)
    writer.write(data)  # two chunks sealed; 500 bytes still in the buffer when it stops
    recording_finish(recording=recording)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.INCOMPLETE
    with open_track(Track.objects.get(recording=recording)) as reader:
        assert reader.size == 2 * CHUNK_SIZE
        assert b"".join(reader.iter_range(0, reader.size - 1)) == data[: 2 * CHUNK_SIZE]
    with pytest.raises(ValidationFailed):
        track_open(recording=recording, label="Too late")


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{database['USER']}@{host}/{database['NAME']}"


WRITER = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from chaperon.recordings.models import Recording
    from chaperon.recordings.services import track_open
    from tests.recordings.helpers import media
    recording = Recording.objects.get(pk=int(sys.argv[1]))
    writer = track_open(recording=recording, label="Robin Alder")
    stream = media(64 * 1024 * 1024)
    piece = 65_536
    for start in range(0, len(stream), piece):
        writer.write(stream[start:start + piece])
        print(writer._index, flush=True)
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_while_recording_leaves_a_readable_incomplete_recording(
    cast: Cast, vault_dir: Path
) -> None:
    recording = make_recording(cast, finish=False)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.test",
        "DATABASE_URL": _database_url(),
        "VAULT_DIR": str(vault_dir),
    }
    writer = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", WRITER, str(recording.pk)],
        stdout=subprocess.PIPE,
        env=environment,
        cwd=settings.BASE_DIR,
        text=True,
    )
    assert writer.stdout is not None
    try:
        for line in writer.stdout:  # let it seal a few chunks, then kill it mid-stream
            if int(line) >= 3:
                break
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    track = Track.objects.get(recording=recording)
    assert not track.closed

    # Still "being recorded" until its session is long over; then the sweep closes it.
    assert tasks.close_abandoned_recordings_task.call() == 0
    Session.objects.filter(pk=recording.session_id).update(
        start=timezone.now() - timedelta(hours=4)
    )
    assert tasks.close_abandoned_recordings_task.call() == 1
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.INCOMPLETE
    assert AuditEvent.objects.filter(action=AuditAction.RECORDING_INTERRUPTED).count() == 1

    with open_track(Track.objects.get(recording=recording)) as reader:
        assert reader.size >= 3 * CHUNK_SIZE and reader.size % CHUNK_SIZE == 0
        assert b"".join(reader.iter_range(0, reader.size - 1)) == media(reader.size)
        reader.check_end()  # not corrupt: the readable part ends cleanly


@pytest.mark.django_db
def test_a_torn_last_chunk_is_left_out_but_damage_before_it_is_an_error(
    cast: Cast, vault_dir: Path
) -> None:
    recording = make_recording(cast, finish=False)
    writer = track_open(recording=recording, label="Robin Alder")
    writer.write(media(3 * CHUNK_SIZE))
    path = track_file(vault_dir, recording)
    with path.open("ab") as torn:  # the crash came in the middle of writing chunk 3
        torn.write(os.urandom(70_000))
    with open_track(Track.objects.get(pk=writer.track_id)) as reader:
        assert reader.size == 3 * CHUNK_SIZE
    flip(path, 2 * (CHUNK_SIZE + 28) + 40)  # chunk 2, the last complete one, damaged
    with pytest.raises(ChunkRejected):
        open_track(Track.objects.get(pk=writer.track_id))


def test_the_local_store_appends_in_order_only(tmp_path: Path) -> None:
    store = LocalChunkStore(tmp_path, slot_size=10)
    store.append_chunk("abc", 0, 0, b"0123456789")
    store.append_chunk("abc", 0, 1, b"tail")
    with pytest.raises(ValueError, match="does not follow on"):
        store.append_chunk("abc", 0, 3, b"x")
    assert store.count_chunks("abc", 0) == 2
    assert store.read_chunk("abc", 0, 1) == b"tail" and store.read_chunk("abc", 0, 2) is None
    assert oct((tmp_path / "abc" / "track-0.chunks").stat().st_mode & 0o777) == "0o600"
    store.delete_recording("abc")
    assert store.count_chunks("abc", 0) == 0
    store.delete_recording("abc")  # gone already: no error


@pytest.mark.parametrize(
    "storage", [InMemoryStorage(), None], ids=["InMemoryStorage", "FileSystemStorage"]
)
def test_the_django_storage_store_keeps_one_object_per_chunk(
    tmp_path: Path, storage: InMemoryStorage | None
) -> None:
    store = StorageChunkStore(storage or FileSystemStorage(location=tmp_path))
    for index in range(3):
        store.append_chunk("abc", 1, index, bytes([index]) * 5)
    store.append_chunk("abc", 1, 2, b"again")  # a retried write replaces, never renames
    assert store.count_chunks("abc", 1) == 3 and store.count_chunks("abc", 0) == 0
    assert store.read_chunk("abc", 1, 2) == b"again" and store.read_chunk("abc", 1, 3) is None
    store.delete_recording("abc")
    assert store.count_chunks("abc", 1) == 0


@pytest.mark.django_db
@override_settings(VAULT_STORAGE="default")  # the test settings' InMemoryStorage
def test_a_whole_recording_through_a_django_storage(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    from django.core.files.storage import default_storage

    from chaperon.recordings.services import recording_destroy

    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    with open_track(Track.objects.get(recording=recording)) as reader:
        assert b"".join(reader.iter_range(0, reader.size - 1)) == data
    name = f"recordings/{recording.uuid.hex}/0/00000001.chunk"
    stored = default_storage.open(name).read()
    default_storage.delete(name)
    default_storage.save(name, ContentFile(stored[:-1] + bytes([stored[-1] ^ 1])))
    with (
        open_track(Track.objects.get(recording=recording)) as reader,
        pytest.raises(ChunkRejected, match="chunk 1 failed"),
    ):
        reader.chunk(1)
    with django_capture_on_commit_callbacks(execute=True):
        recording_destroy(
            recording_id=recording.pk, trigger="retention", reason="Retention ended", actor=SYSTEM
        )
    assert not default_storage.exists(name)
