"""Playing reads the vault in order and lets go of it (LOG-2, REC-8): a reader keeps its track's
stored file open until it is closed, reads the next chunk while this one is opened, still checks
every chunk against its place, and the media response closes it whether it ends, fails or is cut
off by the viewer."""

import contextlib
import threading
import warnings
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.core.signals import request_finished
from django.test import AsyncClient, override_settings

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.recordings import views
from chaperon.recordings.crypto import CHUNK_SIZE, SEALED_CHUNK_SIZE, ChunkRejected
from chaperon.recordings.models import Recording, Track
from chaperon.recordings.storage import (
    ChunkByChunk,
    ChunkStore,
    LocalChunkStore,
    OpenChunks,
    StorageChunkStore,
)
from chaperon.recordings.vault import TrackReader, cipher_of, open_track
from tests.conftest import Cast, signed_in

from .helpers import TWO_AND_A_BIT, flip, make_recording, media, track_file

pytestmark = [pytest.mark.clause("LOG-2"), pytest.mark.clause("REC-8")]

REASON = {"play-reason": "Reviewing the concern raised about this lesson"}
FIVE_AND_A_BIT = 5 * CHUNK_SIZE + 777


def _open_descriptors(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path``."""
    count = 0
    for descriptor in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # the one listing the folder, gone
            count += descriptor.readlink() == path
    return count


def _server_closes(response: Any) -> None:
    """Close a response part-sent, as a server does when the viewer goes elsewhere (without
    the end-of-request signal, which would close the test's database connection)."""
    with mock.patch.object(request_finished, "send"):
        response.close()


class _Spy:
    """A store that notes each chunk read (which, and on which thread) and each prefetch;
    ``prefetching`` False makes it a store that cannot prefetch (as object storage)."""

    def __init__(self, store: ChunkStore, *, prefetching: bool = True) -> None:
        self.store = store
        self.prefetching = prefetching
        self.reads: list[tuple[int, str]] = []
        self.prefetched: list[int] = []
        self.opened = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def open_chunks(self, recording: str, track: int) -> OpenChunks:
        self.opened += 1
        chunks = self.store.open_chunks(recording, track)
        spy = self

        class Noted:
            def read_into(self, index: int, buffer: memoryview) -> int:
                spy.reads.append((index, threading.current_thread().name))
                return chunks.read_into(index, buffer)

            def prefetch(self, index: int) -> bool:
                if not spy.prefetching:
                    return False
                spy.prefetched.append(index)
                return chunks.prefetch(index)

            def close(self) -> None:
                chunks.close()

        return Noted()


# The reader -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reader_keeps_one_file_open_until_it_is_closed(cast: Cast, vault_dir: Path) -> None:
    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    path = track_file(vault_dir, recording)
    reader = open_track(Track.objects.get(recording=recording))
    assert _open_descriptors(path) == 0  # nothing opened before the first read
    assert reader.chunk(2) == data[2 * CHUNK_SIZE :]
    assert b"".join(reader.iter_range(0, reader.size - 1)) == data
    assert reader.chunk(0) == data[:CHUNK_SIZE]  # back to the start: the same file
    assert _open_descriptors(path) == 1
    reader.close()
    assert _open_descriptors(path) == 0
    with pytest.raises(ValueError, match="closed"):
        reader.chunk(0)
    reader.close()  # closing twice is harmless
    with open_track(Track.objects.get(recording=recording)) as again:
        again.check_end()
        assert _open_descriptors(path) == 1
    assert _open_descriptors(path) == 0


@pytest.mark.parametrize("prefetching", [True, False], ids=["kernel prefetch", "helper thread"])
@pytest.mark.django_db
def test_reading_in_order_reads_the_next_chunk_meanwhile_and_nothing_past_the_range(
    cast: Cast, vault_dir: Path, prefetching: bool
) -> None:
    data = media(FIVE_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    track = Track.objects.get(recording=recording)
    cases = [
        (0, len(data) - 1),
        (CHUNK_SIZE - 10, CHUNK_SIZE + 9),  # spans two chunks
        (2 * CHUNK_SIZE + 5, 2 * CHUNK_SIZE + 5),  # one byte
        (3 * CHUNK_SIZE, len(data) - 1),
    ]
    for start, end in cases:
        spy = _Spy(LocalChunkStore(vault_dir), prefetching=prefetching)
        with TrackReader(track=track, cipher=cipher_of(recording), store=spy) as reader:
            assert b"".join(reader.iter_range(start, end)) == data[start : end + 1]
        wanted = list(range(start // CHUNK_SIZE, end // CHUNK_SIZE + 1))
        assert [index for index, _ in spy.reads] == wanted  # each once, in order, no further
        ahead = [index for index, thread in spy.reads if thread.startswith("vault-read")]
        if prefetching:  # the kernel asked for the next chunk; every read on this thread
            assert (spy.prefetched, ahead) == (wanted[1:], [])
        else:  # all but the first read on the helper thread
            assert (spy.prefetched, ahead) == ([], wanted[1:])
        assert spy.opened == 1
    assert _open_descriptors(track_file(vault_dir, recording)) == 0


@pytest.mark.django_db
def test_a_damaged_chunk_inside_a_range_stops_the_stream_there(cast: Cast, vault_dir: Path) -> None:
    data = media(FIVE_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    path = track_file(vault_dir, recording)
    flip(path, 3 * SEALED_CHUNK_SIZE + 700)  # inside chunk 3
    with open_track(Track.objects.get(recording=recording)) as reader:
        first, rest = reader.first_and_rest(0, reader.size - 1)
        assert first == data[:CHUNK_SIZE]
        assert next(rest) == data[CHUNK_SIZE : 2 * CHUNK_SIZE]
        assert next(rest) == data[2 * CHUNK_SIZE : 3 * CHUNK_SIZE]
        with pytest.raises(ChunkRejected, match="track 0, chunk 3 failed its integrity check"):
            next(rest)
        assert reader.chunk(4) == data[4 * CHUNK_SIZE : 5 * CHUNK_SIZE]  # the rest still opens
    assert _open_descriptors(path) == 0


@pytest.mark.django_db
def test_a_track_cut_short_inside_a_range_is_named_at_the_missing_chunk(
    cast: Cast, vault_dir: Path
) -> None:
    recording = make_recording(cast, tracks=[media(FIVE_AND_A_BIT)])
    path = track_file(vault_dir, recording)
    path.write_bytes(path.read_bytes()[: 2 * SEALED_CHUNK_SIZE])
    with open_track(Track.objects.get(recording=recording)) as reader:
        pieces = reader.iter_range(0, reader.size - 1)
        assert len(next(pieces)) == len(next(pieces)) == CHUNK_SIZE
        with pytest.raises(ChunkRejected, match="track 0, chunk 2 is missing"):
            next(pieces)


@pytest.mark.django_db
@override_settings(VAULT_STORAGE="default")  # the test settings' InMemoryStorage
def test_a_chunk_stored_longer_than_a_chunk_can_be_is_refused(cast: Cast) -> None:
    from django.core.files.storage import default_storage

    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    name = f"recordings/{recording.uuid.hex}/0/00000002.chunk"  # the final chunk
    stored = default_storage.open(name).read()
    default_storage.delete(name)
    default_storage.save(name, ContentFile(stored + bytes(SEALED_CHUNK_SIZE)))
    with open_track(Track.objects.get(recording=recording)) as reader:
        assert b"".join(reader.iter_range(0, 2 * CHUNK_SIZE - 1)) == data[: 2 * CHUNK_SIZE]
        with pytest.raises(ChunkRejected, match="track 0, chunk 2 has the wrong length"):
            reader.check_end()


def test_open_chunks_reads_slots_and_objects_alike(tmp_path: Path) -> None:
    local = LocalChunkStore(tmp_path / "local", slot_size=10)
    stored = StorageChunkStore(InMemoryStorage())
    for store in (local, stored):
        store.append_chunk("abc", 0, 0, b"0123456789")
        store.append_chunk("abc", 0, 1, b"tail")
    buffer = memoryview(bytearray(12))
    for store in (local, stored):
        chunks = store.open_chunks("abc", 0)
        assert chunks.read_into(1, buffer) == 4 and bytes(buffer[:4]) == b"tail"
        assert chunks.read_into(0, buffer) == 10 and bytes(buffer[:10]) == b"0123456789"
        assert chunks.read_into(2, buffer) == 0  # no such chunk
        # A local file asks the kernel to read ahead; an object store leaves it to the reader.
        assert chunks.prefetch(1) is (store is local)
        assert chunks.read_into(1, buffer) == 4 and bytes(buffer[:4]) == b"tail"
        chunks.close()
        chunks.close()
        assert chunks.prefetch(0) is (store is local)  # closed: harmless
        assert store.open_chunks("nothing", 0).read_into(0, buffer) == 0
        assert store.open_chunks("nothing", 0).prefetch(0) is (store is local)
    # An object longer than the buffer is cut to it, and its length says so.
    stored.append_chunk("abc", 0, 2, b"x" * 20)
    chunks = ChunkByChunk(stored, "abc", 0)
    assert chunks.read_into(2, buffer) == 20 and bytes(buffer) == b"x" * 12
    # The local store reads only its slot, never into the next one.
    small = memoryview(bytearray(30))
    chunks = local.open_chunks("abc", 0)
    assert chunks.read_into(0, small) == 10
    chunks.close()
    with pytest.raises(ValueError, match="closed"):
        chunks.read_into(0, small)


# The media response -----------------------------------------------------------------------


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[TrackReader]:
    """Every reader the media view opens, kept alive: only its ``close`` lets go of its file
    (not the garbage collector)."""
    opened: list[TrackReader] = []

    def keep(track: Track) -> TrackReader:
        opened.append(open_track(track))
        return opened[-1]

    monkeypatch.setattr(views, "open_track", keep)
    return opened


def _playing(cast: Cast, recording: Recording) -> Any:
    client = signed_in(cast.dsl)
    assert client.post(f"/recordings/{recording.pk}/", REASON).status_code == 302
    return client


@pytest.mark.django_db
def test_the_media_response_closes_the_track_file_when_it_ends_or_is_cut_off(
    cast: Cast, vault_dir: Path, readers: list[TrackReader]
) -> None:
    data = media(FIVE_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    path = track_file(vault_dir, recording)
    client = _playing(cast, recording)
    url = f"/recordings/{recording.pk}/tracks/0/media"

    whole = client.get(url, HTTP_RANGE="bytes=0-")
    assert whole.status_code == 206 and _open_descriptors(path) == 1  # open while it streams
    assert b"".join(whole.streaming_content) == data
    assert _open_descriptors(path) == 0  # sent: closed

    cut_off = client.get(url)
    pieces = iter(cut_off.streaming_content)
    assert next(pieces) == data[:CHUNK_SIZE]
    assert _open_descriptors(path) == 1
    _server_closes(cut_off)  # the viewer sought elsewhere
    assert _open_descriptors(path) == 0

    assert client.get(url, HTTP_RANGE=f"bytes={len(data)}-").status_code == 416
    assert _open_descriptors(path) == 0
    assert len(readers) == 3


@pytest.mark.django_db
def test_the_media_response_closes_the_track_file_when_it_fails(
    cast: Cast, vault_dir: Path, readers: list[TrackReader]
) -> None:
    data = media(FIVE_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    path = track_file(vault_dir, recording)
    flip(path, 2 * SEALED_CHUNK_SIZE + 99)  # inside chunk 2
    client = _playing(cast, recording)
    url = f"/recordings/{recording.pk}/tracks/0/media"

    refused = client.get(url, HTTP_RANGE=f"bytes={2 * CHUNK_SIZE}-")  # the first piece fails
    assert refused.status_code == 409 and "failed its integrity check" in refused.text
    assert _open_descriptors(path) == 0
    [logged] = AuditEvent.objects.filter(action=AuditAction.RECORDING_INTEGRITY_FAILED)
    assert "chunk 2" in logged.reason

    broken = client.get(url)  # the first piece opens: the stream stops at chunk 2
    assert broken.status_code == 200
    with pytest.raises(ChunkRejected, match="chunk 2"):
        b"".join(broken.streaming_content)
    assert _open_descriptors(path) == 0
    reasons = AuditEvent.objects.filter(action=AuditAction.RECORDING_INTEGRITY_FAILED)
    assert ["chunk 2" in reason for reason in reasons.values_list("reason", flat=True)] == [
        True,
        True,
    ]
    assert len(readers) == 2


@pytest.mark.django_db
def test_under_asgi_the_media_is_sent_piece_by_piece_and_the_file_closed(
    cast: Cast, vault_dir: Path, readers: list[TrackReader]
) -> None:
    data = media(FIVE_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    path = track_file(vault_dir, recording)
    client = AsyncClient()
    client.cookies = _playing(cast, recording).cookies
    url = f"/recordings/{recording.pk}/tracks/0/media"

    async def play(header: str, *, pieces: int | None = None) -> tuple[Any, list[bytes]]:
        response = await client.get(url, headers={"range": header})
        received = []
        async for piece in response.streaming_content:  # type: ignore[attr-defined]
            received.append(piece)
            if len(received) == pieces:
                break
        return response, received

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns when it must gather a body whole
        response, received = async_to_sync(play)("bytes=10-")
        assert response.status_code == 206 and response.is_async
        assert received[0] == data[10:CHUNK_SIZE] and len(received) == 6
        assert b"".join(received) == data[10:]
        assert _open_descriptors(path) == 0

        response, received = async_to_sync(play)("bytes=0-", pieces=2)
        assert received == [data[:CHUNK_SIZE], data[CHUNK_SIZE : 2 * CHUNK_SIZE]]
        _server_closes(response)  # the viewer went away
        assert _open_descriptors(path) == 0
    assert len(readers) == 2
