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

import hashlib
import hmac
import io
import json
import os
import struct
from pathlib import Path
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


class SealingWriter(io.RawIOBase):
    """A file object that seals what is written to it into ``out``; ``finish`` writes the
    final record (``close`` without ``finish`` leaves a backup that will be refused)."""

    def __init__(self, out: BinaryIO, key: BackupKey, header: dict[str, Any]) -> None:
        super().__init__()
        salt = os.urandom(SALT_SIZE)
        header = {**header, "format": 1, "salt": salt.hex(), "backup_key": key.key_id}
        encoded = json.dumps(header, sort_keys=True).encode()
        head = MAGIC + _LENGTH.pack(len(encoded)) + encoded
        tag = hmac.digest(key.derive(salt, b"header"), head, "sha256")
        out.write(head + tag)
        self._out = out
        self._cipher = AESGCM(key.derive(salt, b"records"))
        self._digest = hashlib.sha256(head + tag).digest()
        self._buffer = bytearray()
        self._number = 0
        self.written = len(head) + len(tag)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        while len(self._buffer) >= RECORD_SIZE:
            with memoryview(self._buffer) as view:
                self._seal(bytes(view[:RECORD_SIZE]), final=False)
            del self._buffer[:RECORD_SIZE]
        return len(data)

    def _seal(self, plaintext: bytes, *, final: bool) -> None:
        number = self._number
        sealed = self._cipher.encrypt(
            _nonce(number), plaintext, _record_data(self._digest, number, final)
        )
        self._out.write(_RECORD.pack(len(sealed), 1 if final else 0))
        self._out.write(sealed)
        self._number += 1
        self.written += _RECORD.size + len(sealed)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), final=True)
        self._buffer = bytearray()


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
    before any of it is given out; ``BackupRefused`` on any damage."""

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

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        head = _read_exactly(self._source, _RECORD.size)
        if len(head) != _RECORD.size:
            raise BackupRefused("the backup is cut short: its last part is missing")
        length, flag = _RECORD.unpack(head)
        if length > RECORD_SIZE + TAG_SIZE or flag > 1:
            raise BackupRefused(f"the backup is damaged at part {self._number}")
        sealed = _read_exactly(self._source, length)
        if len(sealed) != length:
            raise BackupRefused("the backup is cut short: its last part is missing")
        final = flag == 1
        try:
            self._buffer = self._cipher.decrypt(
                _nonce(self._number), sealed, _record_data(self._digest, self._number, final)
            )
        except InvalidTag:
            raise BackupRefused(
                f"the backup has been altered or damaged (part {self._number} does not "
                "authenticate)"
            ) from None
        self._offset = 0
        self._number += 1
        if final:
            self._ended = True
            if _read_exactly(self._source, 1):
                raise BackupRefused("the backup has been altered: there is more after its end")

    def read(self, size: int | None = -1) -> bytes:
        wanted = size if size is not None and size >= 0 else None
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
        return b"".join(pieces)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def drain(self) -> None:
        """Read to the end, checking every record (and that nothing follows the last)."""
        while not self._ended:
            self._next()
