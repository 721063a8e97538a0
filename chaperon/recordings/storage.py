"""Where sealed chunks are kept: a small interface and its two implementations.

``LocalChunkStore`` (the default, ``VAULT_STORAGE = "local"``) keeps one file per track under
``VAULT_DIR/<recording uuid>/``, each chunk in a fixed-size slot, appended and fsynced before
``append_chunk`` returns; playback keeps the track's file open and reads it in order, with the
kernel's read-ahead. ``StorageChunkStore`` keeps one object per chunk in any Django ``Storage``
(S3-compatible object storage through django-storages: name the ``STORAGES`` entry in
``VAULT_STORAGE``). Stores only ever see ciphertext.
"""

import io
import os
import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from .crypto import SEALED_CHUNK_SIZE


class OpenChunks(Protocol):
    """One track's chunks, open for reading until ``close``."""

    def read_into(self, index: int, buffer: memoryview) -> int:
        """Copy chunk ``index`` as stored into ``buffer``; return its stored length (0: there is
        no such chunk). A chunk longer than ``buffer`` is cut to it, and the length says so."""
        ...

    def prefetch(self, index: int) -> bool:
        """Chunk ``index`` is about to be read: True if the store has it on its way already
        (or starts it, without waiting), False if the reader should read it ahead itself, on
        a thread of its own."""
        ...

    def close(self) -> None:
        """Release what reading held; closing twice is harmless."""
        ...


class ChunkStore(Protocol):
    def append_chunk(
        self, recording: str, track: int, index: int, sealed: bytes | memoryview
    ) -> None:
        """Store chunk ``index`` of a track durably; chunks arrive in order from 0."""
        ...

    def read_chunk(self, recording: str, track: int, index: int) -> bytes | None:
        """The chunk as stored, or None if there is no such chunk."""
        ...

    def count_chunks(self, recording: str, track: int) -> int:
        """How many chunks of the track are stored (the last may be torn by a crash)."""
        ...

    def open_chunks(self, recording: str, track: int) -> OpenChunks:
        """The track's chunks, to read one after another (a missing track reads as empty)."""
        ...

    def delete_recording(self, recording: str) -> None:
        """Delete every chunk of the recording; deleting what is gone is no error."""
        ...

    def fingerprint(self, recording: str, track: int) -> str | None:
        """A value, cheap to get, that changes whenever the track's stored chunks change (so a
        check of them can be remembered until then); None if the store has no such value."""
        ...


class ChunkByChunk:
    """``open_chunks`` for a store that keeps each chunk apart: every read is a ``read_chunk``."""

    def __init__(self, store: ChunkStore, recording: str, track: int) -> None:
        self._store = store
        self._recording = recording
        self._track = track

    def read_into(self, index: int, buffer: memoryview) -> int:
        data = self._store.read_chunk(self._recording, self._track, index)
        if not data:
            return 0
        copied = min(len(data), len(buffer))
        buffer[:copied] = memoryview(data)[:copied]
        return len(data)

    def prefetch(self, index: int) -> bool:
        return False  # each chunk is a request of its own: the reader reads ahead itself

    def close(self) -> None:
        pass


class TrackFile:
    """A local track's file, open while it is played: one descriptor for every chunk read, and
    the kernel told once that the reads go in order, so its read-ahead has the next chunks on
    their way from the disk while this one is opened. So ``prefetch`` has nothing to do: the
    reader needs no thread of its own to read ahead. (Measured on the virtual disk here, a
    fresh process reading a track's slots in order: plain ``preadv`` 0.16 to 0.2 s for 256
    MiB at 0.1 ms of CPU per MiB, as fast as ``read``; handing each read to a helper thread
    0.24 to 0.33 s at 0.25 to 0.6 ms; asking for the next two slots with
    ``POSIX_FADV_WILLNEED`` before each read 0.3 to 0.7 s at 0.5 ms.)"""

    def __init__(self, path: Path, slot_size: int) -> None:
        self._slot_size = slot_size
        self._file: io.FileIO | None
        try:
            self._file = io.FileIO(path, "r")
        except FileNotFoundError:
            self._file = None  # nothing stored: every chunk reads as missing
        else:
            os.posix_fadvise(self._file.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)

    def read_into(self, index: int, buffer: memoryview) -> int:
        if self._file is None:
            return 0
        if self._file.closed:
            raise ValueError("this track file is closed")
        wanted = min(self._slot_size, len(buffer))
        offset = index * self._slot_size
        done = 0
        while done < wanted:  # a regular file reads short only at its end
            read = os.preadv(self._file.fileno(), [buffer[done:wanted]], offset + done)
            if not read:
                break
            done += read
        return done

    def prefetch(self, index: int) -> bool:
        return True  # the kernel's read-ahead has it on its way

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class LocalChunkStore:
    def __init__(self, root: Path, *, slot_size: int = SEALED_CHUNK_SIZE) -> None:
        self.root = Path(root)
        self.slot_size = slot_size

    def _track_file(self, recording: str, track: int) -> Path:
        return self.root / recording / f"track-{track}.chunks"

    def append_chunk(
        self, recording: str, track: int, index: int, sealed: bytes | memoryview
    ) -> None:
        if len(sealed) > self.slot_size:
            raise ValueError(f"a chunk is at most {self.slot_size} bytes")
        path = self._track_file(recording, track)
        new_file = not path.exists()
        if new_file:
            new_directory = not path.parent.exists()
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if new_directory:
                _fsync_directory(self.root)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size = os.fstat(descriptor).st_size
            if size != index * self.slot_size:
                raise ValueError(
                    f"track {track} of {recording} holds {size} bytes: chunk {index} does not "
                    "follow on"
                )
            os.write(descriptor, sealed)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if new_file:
            _fsync_directory(path.parent)

    def read_chunk(self, recording: str, track: int, index: int) -> bytes | None:
        try:
            descriptor = os.open(self._track_file(recording, track), os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            data = os.pread(descriptor, self.slot_size, index * self.slot_size)
        finally:
            os.close(descriptor)
        return data or None

    def count_chunks(self, recording: str, track: int) -> int:
        try:
            size = self._track_file(recording, track).stat().st_size
        except FileNotFoundError:
            return 0
        return -(-size // self.slot_size)

    def open_chunks(self, recording: str, track: int) -> TrackFile:
        return TrackFile(self._track_file(recording, track), self.slot_size)

    def delete_recording(self, recording: str) -> None:
        shutil.rmtree(self.root / recording, ignore_errors=True)

    def fingerprint(self, recording: str, track: int) -> str | None:
        """The track file's identity, size and times: any write changes its change time
        (which, unlike the modification time, a program cannot set back)."""
        try:
            found = self._track_file(recording, track).stat()
        except FileNotFoundError:
            return None
        return (
            f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}:{found.st_ctime_ns}"
        )


class StorageChunkStore:
    """One object per chunk, named ``<prefix>/<recording>/<track>/<index>.chunk``."""

    def __init__(self, storage: Storage, *, prefix: str = "recordings") -> None:
        self.storage = storage
        self.prefix = prefix

    def _name(self, recording: str, track: int, index: int) -> str:
        return f"{self.prefix}/{recording}/{track}/{index:08d}.chunk"

    def append_chunk(
        self, recording: str, track: int, index: int, sealed: bytes | memoryview
    ) -> None:
        name = self._name(recording, track, index)
        if self.storage.exists(name):  # a retried write: replace, never rename
            self.storage.delete(name)
        saved = self.storage.save(name, ContentFile(bytes(sealed)))
        if saved != name:
            raise RuntimeError(f"the storage kept chunk {name} as {saved}")

    def read_chunk(self, recording: str, track: int, index: int) -> bytes | None:
        name = self._name(recording, track, index)
        if not self.storage.exists(name):
            return None
        with self.storage.open(name, "rb") as stored:
            data: bytes = stored.read()
        return data

    def _list(self, directory: str) -> tuple[list[str], list[str]]:
        try:
            return self.storage.listdir(directory)
        except FileNotFoundError:
            return [], []

    def count_chunks(self, recording: str, track: int) -> int:
        _, files = self._list(f"{self.prefix}/{recording}/{track}")
        present = {name for name in files if name.endswith(".chunk")}
        count = 0
        while f"{count:08d}.chunk" in present:
            count += 1
        return count

    def open_chunks(self, recording: str, track: int) -> ChunkByChunk:
        return ChunkByChunk(self, recording, track)

    def fingerprint(self, recording: str, track: int) -> str | None:
        return None  # listing every object's version would cost a read of them all

    def delete_recording(self, recording: str) -> None:
        base = f"{self.prefix}/{recording}"
        tracks, _ = self._list(base)
        for track in tracks:
            for name in self._list(f"{base}/{track}")[1]:
                self.storage.delete(f"{base}/{track}/{name}")


def chunk_store() -> ChunkStore:
    """The store named by ``VAULT_STORAGE``."""
    if settings.VAULT_STORAGE == "local":
        return LocalChunkStore(Path(settings.VAULT_DIR))
    return StorageChunkStore(storages[settings.VAULT_STORAGE])
