"""The backup file: a tar stream sealed chunk by chunk with AES-256-GCM.

Layout::

    MAGIC | header length (4 bytes) | header (JSON) | HMAC-SHA256 of all before it (32 bytes)
    then records: ciphertext length (4 bytes) | final flag (1 byte) | AES-GCM ciphertext + tag

Each backup has its own random salt; its encryption key and header key are derived from the
backup key (``BACKUP_KEY_FILE``) with HKDF-SHA256 and that salt, so the records' nonces can be
their numbers. Each record's associated data binds the header's digest, its number and whether
it is the last: a record altered, moved, dropped, or a backup cut short or extended is refused.
The header (when it was taken, until when it may be kept) is readable without decrypting, and
authenticated by its HMAC, so that ``chaperon backup prune`` need not decrypt a whole backup.
"""

import contextlib
import hashlib
import hmac
import io
import json
import os
import struct
import threading
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from chaperon.core.keyfiles import read_key_bytes

MAGIC = b"CHAPERON BACKUP 1\n"
RECORD_SIZE = 4 * 1024 * 1024  # plaintext bytes in each sealed record
TAG_SIZE = 16
SALT_SIZE = 16
_LENGTH = struct.Struct(">I")
_RECORD = struct.Struct(">IB")
MAX_HEADER = 64 * 1024


class BackupRefused(Exception):
    """The backup cannot be trusted (altered, damaged, cut short) or opened (another key)."""


class BackupKey:
    """The key that seals backups, and its name (never the key itself)."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        digest = hashlib.sha256(b"chaperon.backup.key-id\x00" + key).hexdigest()
        self.key_id = f"file:{digest[:16]}"

    def derive(self, salt: bytes, purpose: bytes) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=salt, info=b"chaperon.backup.v1 " + purpose
        ).derive(self._key)


def read_backup_key(path: Path | None = None, *, setting: str = "BACKUP_KEY_FILE") -> BackupKey:
    """The backup key from ``path`` (default ``BACKUP_KEY_FILE``), checked like the vault's."""
    path = Path(settings.BACKUP_KEY_FILE) if path is None else path
    if not path.exists() and getattr(settings, "BACKUP_CREATE_KEY", False):
        from chaperon.core.keyfiles import write_key_file

        write_key_file(path)
    key = read_key_bytes(
        path,
        setting=setting,
        missing=(
            "Backups are sealed with their own key: make one with "
            f"`chaperon backup new-key {path}` and keep a copy apart from the backups."
        ),
        make="chaperon backup new-key PATH",
    )
    return BackupKey(key)


def _record_data(header_digest: bytes, number: int, final: bool) -> bytes:
    return header_digest + struct.pack(">QB", number, 1 if final else 0)


def _nonce(number: int) -> bytes:
    return b"\x00\x00\x00\x00" + struct.pack(">Q", number)


class PipelineStopped(Exception):
    """The other side of a pipeline has stopped."""


def put_until(queue: "Queue[Any]", item: Any, stopped: threading.Event) -> None:
    """Put ``item`` on the bounded ``queue`` unless the side that takes from it has stopped
    (then ``PipelineStopped``): a pipeline whose consumer failed never blocks its producer
    for ever."""
    while True:
        if stopped.is_set():
            raise PipelineStopped
        try:
            queue.put(item, timeout=0.2)
        except Full:
            continue
        return


class SealingWriter:
    """A writable stream that seals what is written to it into ``out``; ``finish`` writes the
    final record and waits for every record to be written (``close`` without ``finish``
    leaves a backup that will be refused).

    Sealing and writing run in a thread of their own, fed whole records through a bounded
    queue, so that they overlap with whatever produces the plaintext (AES-GCM and the file
    write release the GIL on large buffers). Each record is filled in place, in a buffer of
    its own handed over whole: nothing is copied twice."""

    QUEUE_RECORDS = 4

    def __init__(self, out: BinaryIO, key: BackupKey, header: dict[str, Any]) -> None:
        salt = os.urandom(SALT_SIZE)
        header = {**header, "format": 1, "salt": salt.hex(), "backup_key": key.key_id}
        encoded = json.dumps(header, sort_keys=True).encode()
        head = MAGIC + _LENGTH.pack(len(encoded)) + encoded
        tag = hmac.digest(key.derive(salt, b"header"), head, "sha256")
        out.write(head + tag)
        self._out = out
        self._cipher = AESGCM(key.derive(salt, b"records"))
        self._digest = hashlib.sha256(head + tag).digest()
        self._record = bytearray(RECORD_SIZE)
        self._filled = 0
        self._number = 0
        self.written = len(head) + len(tag)
        self._queue: Queue[tuple[int, memoryview, bool] | None] = Queue(self.QUEUE_RECORDS)
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._finished = False
        self._thread = threading.Thread(target=self._seal_records, name="backup-sealer")
        self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        offset = 0
        while offset < size:
            room = RECORD_SIZE - self._filled
            take = min(room, size - offset)
            self._record[self._filled : self._filled + take] = view[offset : offset + take]
            self._filled += take
            offset += take
            if self._filled == RECORD_SIZE:
                self._hand_over(final=False)
        return size

    def _hand_over(self, *, final: bool) -> None:
        record = memoryview(self._record)[: self._filled]
        try:
            put_until(self._queue, (self._number, record, final), self._stopped)
        except PipelineStopped:
            self._raise()
        self._number += 1
        self._record = bytearray(RECORD_SIZE)
        self._filled = 0

    def _raise(self) -> None:
        self._thread.join()
        error = self._error or OSError("the backup's records could not be written")
        raise error

    def _seal_records(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                number, plaintext, final = item
                sealed = self._cipher.encrypt(
                    _nonce(number), plaintext, _record_data(self._digest, number, final)
                )
                self._out.write(_RECORD.pack(len(sealed), 1 if final else 0))
                self._out.write(sealed)
                self.written += _RECORD.size + len(sealed)
        except BaseException as error:
            self._error = error
        finally:
            self._stopped.set()

    def finish(self) -> None:
        """Seal the last record and wait until every record is written (or raise why not)."""
        self._hand_over(final=True)
        self._finished = True
        self._end()
        if self._error is not None:
            raise self._error

    def _end(self) -> None:
        if self._thread.is_alive():
            with contextlib.suppress(PipelineStopped):
                put_until(self._queue, None, self._stopped)
        self._thread.join()

    def close(self) -> None:
        """Stop sealing (a backup not finished is left incomplete, and will be refused)."""
        if not self._finished:
            self._end()

    def __enter__(self) -> "SealingWriter":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    return data if isinstance(data, bytes) else b""


def read_header(source: BinaryIO, key: BackupKey | None) -> tuple[dict[str, Any], bytes]:
    """The backup's header and its digest; with ``key``, its HMAC checked."""
    magic = _read_exactly(source, len(MAGIC))
    if magic != MAGIC:
        raise BackupRefused("this is not a Chaperon backup (it does not begin as one does)")
    length_bytes = _read_exactly(source, _LENGTH.size)
    if len(length_bytes) != _LENGTH.size:
        raise BackupRefused("the backup is cut short in its header")
    (length,) = _LENGTH.unpack(length_bytes)
    if length > MAX_HEADER:
        raise BackupRefused("the backup's header is damaged (its length is impossible)")
    encoded = _read_exactly(source, length)
    tag = _read_exactly(source, 32)
    if len(encoded) != length or len(tag) != 32:
        raise BackupRefused("the backup is cut short in its header")
    try:
        header = json.loads(encoded)
        salt = bytes.fromhex(header["salt"])
    except (ValueError, KeyError, TypeError):
        raise BackupRefused("the backup's header has been altered or damaged") from None
    head = magic + length_bytes + encoded
    if key is not None:
        if header.get("backup_key") != key.key_id:
            raise BackupRefused(
                f"the backup says it was sealed with the backup key {header.get('backup_key')} "
                "(or its header was altered), and "
                f"BACKUP_KEY_FILE holds {key.key_id}: point BACKUP_KEY_FILE at the key it was "
                "made with"
            )
        expected = hmac.digest(key.derive(salt, b"header"), head, "sha256")
        if not hmac.compare_digest(expected, tag):
            raise BackupRefused("the backup's header has been altered or damaged")
    return header, hashlib.sha256(head + tag).digest()


class OpeningReader(io.RawIOBase):
    """Reads a backup back as the plaintext stream, record by record, each one's tag checked
    before any of it is given out; ``BackupRefused`` on any damage.

    The records are read and opened ahead, in a thread of their own, through a bounded queue
    (AES-GCM and the file read release the GIL), while the plaintext is used; a refusal is
    raised where the record it concerns would have been given out."""

    QUEUE_RECORDS = 3

    def __init__(self, source: BinaryIO, key: BackupKey) -> None:
        super().__init__()
        self.header, self._digest = read_header(source, key)
        salt = bytes.fromhex(self.header["salt"])
        self._cipher = AESGCM(key.derive(salt, b"records"))
        self._source = source
        self._number = 0
        self._buffer = b""
        self._offset = 0
        self._ended = False
        self._queue: Queue[tuple[bytes, bool] | BackupRefused] = Queue(self.QUEUE_RECORDS)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def readable(self) -> bool:
        return True

    def _open_next(self, number: int) -> tuple[bytes, bool]:
        head = _read_exactly(self._source, _RECORD.size)
        if len(head) != _RECORD.size:
            raise BackupRefused("the backup is cut short: its last part is missing")
        length, flag = _RECORD.unpack(head)
        if length > RECORD_SIZE + TAG_SIZE or flag > 1:
            raise BackupRefused(f"the backup is damaged at part {number}")
        sealed = _read_exactly(self._source, length)
        if len(sealed) != length:
            raise BackupRefused("the backup is cut short: its last part is missing")
        final = flag == 1
        try:
            plaintext = self._cipher.decrypt(
                _nonce(number), sealed, _record_data(self._digest, number, final)
            )
        except InvalidTag:
            raise BackupRefused(
                f"the backup has been altered or damaged (part {number} does not authenticate)"
            ) from None
        if final and _read_exactly(self._source, 1):
            raise BackupRefused("the backup has been altered: there is more after its end")
        return plaintext, final

    def _open_ahead(self) -> None:
        number = 0
        try:
            while True:
                try:
                    opened: tuple[bytes, bool] | BackupRefused = self._open_next(number)
                except BackupRefused as refusal:
                    opened = refusal
                except OSError as error:
                    opened = BackupRefused(f"the backup cannot be read ({error})")
                put_until(self._queue, opened, self._stopped)
                if isinstance(opened, BackupRefused) or opened[1]:
                    return
                number += 1
        except PipelineStopped:
            return

    def _next(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._open_ahead, name="backup-opener")
            self._thread.start()
        opened = self._queue.get()
        if isinstance(opened, BackupRefused):
            self._ended = True
            raise opened
        self._buffer, final = opened
        self._offset = 0
        self._number += 1
        self._ended = final

    def read(self, size: int | None = -1) -> bytes:
        wanted = size if size is not None and size >= 0 else None
        if (
            wanted is not None
            and self._offset == 0
            and len(self._buffer) == wanted
            and self._buffer
        ):
            whole, self._buffer = self._buffer, b""
            return whole
        pieces: list[bytes] = []
        got = 0
        while wanted is None or got < wanted:
            if self._offset >= len(self._buffer):
                if self._ended:
                    break
                self._next()
                continue
            end = len(self._buffer) if wanted is None else self._offset + wanted - got
            piece = self._buffer[self._offset : end]
            self._offset += len(piece)
            got += len(piece)
            pieces.append(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def drain(self) -> None:
        """Read to the end, checking every record (and that nothing follows the last)."""
        while not self._ended:
            self._next()

    def close(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            while self._thread.is_alive():
                with contextlib.suppress(Empty):
                    self._queue.get(timeout=0.2)
            self._thread.join()
        super().close()
