"""Writing and reading tracks: seal as the media arrives, open chunk by chunk to play.

Memory stays flat whatever the length: a writer holds at most one chunk of plaintext, a reader
one chunk at a time (and the next one's ciphertext, read ahead). Every full chunk is sealed,
written and fsynced as soon as it is complete, so after a crash everything up to the last
complete chunk can still be read.
"""

import hashlib
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import transaction
from django.utils import timezone

from .crypto import (
    CHUNK_SIZE,
    SEALED_CHUNK_SIZE,
    ChunkRejected,
    new_data_key,
    open_chunk,
    seal_chunk_into,
)
from .keys import current_wrapper, wrapper_for
from .models import DataKey, Recording, Track
from .storage import ChunkStore, OpenChunks, chunk_store


class RecordingGone(Exception):
    """The recording was destroyed: its data key no longer exists."""


def new_wrapped_key(recording: Recording) -> DataKey:
    """A fresh data key for ``recording``, as its (unsaved) wrapped row."""
    wrapper = current_wrapper()
    wrapped = wrapper.wrap(new_data_key(), context=recording.uuid.bytes)
    return DataKey(recording=recording, key_id=wrapper.key_id, wrapped=wrapped)


def cipher_of(recording: Recording) -> AESGCM:
    stored = DataKey.objects.filter(recording_id=recording.pk).first()
    if stored is None:
        raise RecordingGone(f"recording {recording.uuid} was destroyed; it cannot be read")
    wrapper = wrapper_for(stored.key_id)
    return AESGCM(wrapper.unwrap(bytes(stored.wrapped), context=recording.uuid.bytes))


class TrackWriter:
    """One participant's stream being recorded. ``write`` as media arrives, ``close`` once."""

    def __init__(
        self, *, track: Track, recording_uuid: uuid.UUID, cipher: AESGCM, store: ChunkStore
    ) -> None:
        self.track = track
        self._uuid = recording_uuid
        self._key = recording_uuid.hex
        self._cipher = cipher
        self._store = store
        self._buffer = bytearray()
        self._sealed = bytearray(SEALED_CHUNK_SIZE)
        self._index = 0
        self._size = 0
        self._closed = False

    @property
    def track_id(self) -> int:
        return self.track.pk

    def write(self, data: bytes) -> None:
        """Buffer ``data``; seal and store (fsynced) each full chunk."""
        if self._closed:
            raise ValueError("this track is closed")
        self._buffer += data
        while len(self._buffer) >= CHUNK_SIZE:
            with memoryview(self._buffer) as view:
                self._seal(view[:CHUNK_SIZE], final=False)
            del self._buffer[:CHUNK_SIZE]

    def close(self) -> None:
        """Seal the rest as the final chunk and mark the track complete. Closing twice is
        harmless."""
        if self._closed:
            return
        with memoryview(self._buffer) as view:
            self._seal(view, final=True)
        self._buffer = bytearray()
        self._closed = True
        Track.objects.filter(pk=self.track.pk).update(
            closed=True,
            complete=True,
            chunk_count=self._index,
            size=self._size,
            ended_at=timezone.now(),
        )

    def _seal(self, plaintext: memoryview, *, final: bool) -> None:
        number = self.track.number
        sealed = seal_chunk_into(
            self._sealed, self._cipher, plaintext, self._uuid, number, self._index, final=final
        )
        with sealed:
            self._store.append_chunk(self._key, number, self._index, sealed)
        self._index += 1
        self._size += len(plaintext)


@dataclass(frozen=True)
class Readable:
    """What of a track can be played: ``chunk_count`` chunks, ``size`` bytes; ``final`` when
    the last of them is the sealed final chunk (the track was closed by its writer)."""

    chunk_count: int
    size: int
    final: bool


def readable_prefix(track: Track, cipher: AESGCM, store: ChunkStore) -> Readable:
    """For a track never closed: the complete chunks stored before the writer stopped. A torn
    last chunk (a crash while writing it) is left out; damage anywhere else is an error."""
    recording = track.recording
    count = store.count_chunks(recording.uuid.hex, track.number)
    for last in (count - 1, count - 2):
        if last < 0:
            break
        sealed = store.read_chunk(recording.uuid.hex, track.number, last) or b""
        try:
            open_chunk(cipher, sealed, recording.uuid, track.number, last, final=False)
        except ChunkRejected:
            if last == count - 1:
                continue  # torn by the crash
            raise
        return Readable(chunk_count=last + 1, size=(last + 1) * CHUNK_SIZE, final=False)
    return Readable(chunk_count=0, size=0, final=False)


class TrackReader:
    """Opens a track's chunks, checking each one's place.

    The track's stored chunks are opened once, on the first read, and kept open until
    ``close`` (use the reader as a context manager; a media response closes it when it ends).
    Each chunk is read into one of two buffers reused from chunk to chunk and decrypted
    straight from it. Reading a range in order (``iter_range``), the next chunk is on its way
    while this one is decrypted: for a local track file the kernel's read-ahead brings it
    (``OpenChunks.prefetch``), with no thread and no hand-over per chunk, which cost more than
    the read itself; a store that cannot prefetch has it read on a helper thread instead
    (both leave the GIL, so they overlap). ``close`` may come from another
    thread: it waits for a read under way.
    """

    def __init__(self, *, track: Track, cipher: AESGCM, store: ChunkStore) -> None:
        self.track = track
        self._recording = track.recording
        self._cipher = cipher
        self._store = store
        if track.closed:
            self.readable = Readable(track.chunk_count, track.size, track.complete)
        else:
            self.readable = readable_prefix(track, cipher, store)
        self._lock = threading.Lock()
        self._closed = False
        self._chunks: OpenChunks | None = None
        self._buffers: list[memoryview] = []
        self._helper: ThreadPoolExecutor | None = None
        self._ahead: tuple[int, int, Future[int]] | None = None  # index, buffer, read

    @property
    def size(self) -> int:
        return self.readable.size

    def __enter__(self) -> "TrackReader":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for a read under way, then let go of the stored track and the buffers. Closing
        twice is harmless."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._settle_ahead()
            finally:
                if self._helper is not None:
                    self._helper.shutdown(wait=True)
                if self._chunks is not None:
                    self._chunks.close()
                self._buffers = []

    def chunk(self, index: int) -> bytes:
        """Chunk ``index`` opened (its tag checked against its place)."""
        return self._open(index, then=None)

    def check_end(self) -> None:
        """Open the last chunk: a track cut short fails here, before anything is played."""
        if self.readable.chunk_count:
            self.chunk(self.readable.chunk_count - 1)

    def check_all(self) -> None:
        """Open every chunk, in order, each read while the one before is checked: any chunk
        altered, moved, missing or cut short fails here (``ChunkRejected``)."""
        count = self.readable.chunk_count
        for index in range(count):
            self._open(index, then=index + 1 if index + 1 < count else None)

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start`` to ``end`` inclusive, one chunk opened at a time, the next one read
        meanwhile."""
        first_index, last_index = start // CHUNK_SIZE, end // CHUNK_SIZE
        for index in range(first_index, last_index + 1):
            data = self._open(index, then=index + 1 if index < last_index else None)
            offset = index * CHUNK_SIZE
            first, last = max(start - offset, 0), end - offset + 1
            yield data if first == 0 and last >= len(data) else data[first:last]

    def first_and_rest(self, start: int, end: int) -> tuple[bytes, Iterator[bytes]]:
        """The first piece opened now (so an error comes before any byte is sent), the rest
        lazily."""
        pieces = self.iter_range(start, end)
        return next(pieces, b""), pieces

    def _open(self, index: int, *, then: int | None) -> bytes:
        number = self.track.number
        with self._lock:
            if self._closed:
                raise ValueError("this track reader is closed")
            chunks, slot, length = self._read(index)
            if then is not None:
                self._read_ahead(chunks, then, 1 - slot)
            if not length:
                raise ChunkRejected(
                    f"track {number}, chunk {index} is missing: the stored recording was cut short"
                )
            final = self.readable.final and index == self.readable.chunk_count - 1
            sealed = self._buffers[slot][:length]
            return open_chunk(
                self._cipher, sealed, self._recording.uuid, number, index, final=final
            )

    def _read(self, index: int) -> tuple[OpenChunks, int, int]:
        """Chunk ``index`` as stored, in one of the buffers: the open chunks, which buffer, and
        the chunk's length. The read ahead if it was for this chunk, else a read now."""
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = self._store.open_chunks(
                self._recording.uuid.hex, self.track.number
            )
            # A byte more than a chunk can hold, so that one stored too long shows as such.
            self._buffers = [memoryview(bytearray(SEALED_CHUNK_SIZE + 1)) for _ in range(2)]
        if self._ahead is not None and self._ahead[0] == index:
            _, slot, read = self._ahead
            self._ahead = None
            return chunks, slot, read.result()
        self._settle_ahead()
        return chunks, 0, chunks.read_into(index, self._buffers[0])

    def _read_ahead(self, chunks: OpenChunks, index: int, slot: int) -> None:
        if chunks.prefetch(index):
            return  # on its way: the next ``_read`` finds it (mostly) in memory
        if self._helper is None:
            self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault-read")
        read = self._helper.submit(chunks.read_into, index, self._buffers[slot])
        self._ahead = (index, slot, read)

    def _settle_ahead(self) -> None:
        """Wait for a read ahead that will not be used (its buffer is about to be reused)."""
        if self._ahead is not None:
            _, _, read = self._ahead
            self._ahead = None
            wait([read])


def open_track(track: Track, *, cipher: AESGCM | None = None) -> TrackReader:
    """A reader for ``track``; pass the recording's ``cipher`` when opening several of its
    tracks, so that its data key is unwrapped once (with a KMS, one call each time)."""
    if cipher is None:
        cipher = cipher_of(track.recording)
    return TrackReader(track=track, cipher=cipher, store=chunk_store())


def ciphertext_digest(recording: Recording, store: ChunkStore) -> tuple[str, int]:
    """SHA-256 and length of every stored chunk of the recording, track by track, in order."""
    digest = hashlib.sha256()
    total = 0
    for number in recording.tracks.order_by("number").values_list("number", flat=True):
        for index in range(store.count_chunks(recording.uuid.hex, number)):
            sealed = store.read_chunk(recording.uuid.hex, number, index) or b""
            digest.update(sealed)
            total += len(sealed)
    return digest.hexdigest(), total


def close_interrupted_tracks(recording: Recording) -> None:
    """Mark each track of ``recording`` whose writer stopped without closing it: readable up to
    its last complete chunk, not complete."""
    open_tracks = list(recording.tracks.filter(closed=False))
    if not open_tracks:
        return
    cipher, store = cipher_of(recording), chunk_store()
    for track in open_tracks:
        found = readable_prefix(track, cipher, store)
        with transaction.atomic():
            Track.objects.filter(pk=track.pk, closed=False).update(
                closed=True, complete=False, chunk_count=found.chunk_count, size=found.size
            )
