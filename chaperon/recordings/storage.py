"""Where sealed chunks are kept: a small interface and its two implementations.

``LocalChunkStore`` (the default, ``VAULT_STORAGE = "local"``) keeps one file per track under
``VAULT_DIR/<recording uuid>/``, each chunk in a fixed-size slot, appended and fsynced before
``append_chunk`` returns. ``StorageChunkStore`` keeps one object per chunk in any Django
``Storage`` (S3-compatible object storage through django-storages: name the ``STORAGES`` entry
in ``VAULT_STORAGE``). Stores only ever see ciphertext.
"""

import os
import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from .crypto import SEALED_CHUNK_SIZE

READ_AHEAD_CHUNKS = 4


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

    def delete_recording(self, recording: str) -> None:
        """Delete every chunk of the recording; deleting what is gone is no error."""
        ...


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
            # Playback reads on: have the next chunks on their way from the disk meanwhile
            # (each read opens the file afresh, so the kernel's own read-ahead starts over).
            os.posix_fadvise(
                descriptor,
                (index + 1) * self.slot_size,
                READ_AHEAD_CHUNKS * self.slot_size,
                os.POSIX_FADV_WILLNEED,
            )
        finally:
            os.close(descriptor)
        return data or None

    def count_chunks(self, recording: str, track: int) -> int:
        try:
            size = self._track_file(recording, track).stat().st_size
        except FileNotFoundError:
            return 0
        return -(-size // self.slot_size)

    def delete_recording(self, recording: str) -> None:
        shutil.rmtree(self.root / recording, ignore_errors=True)


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
