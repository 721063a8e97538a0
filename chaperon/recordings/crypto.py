"""Sealing and opening the vault's chunks. No Django, no I/O.

Each recording has its own random 256-bit data key. A track's media is cut into chunks of
``CHUNK_SIZE`` bytes of plaintext (the last one shorter), each sealed with AES-256-GCM under a
fresh random 96-bit nonce and stored as ``nonce || ciphertext || tag``. The associated data
binds each chunk to its place: the recording's UUID, the track's number, the chunk's index and
whether it is the final chunk. So a chunk that is altered, moved to another place, taken from
another recording, or left last after the real end was cut off fails to open.
"""

import os
import struct
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK_SIZE = 1024 * 1024
NONCE_SIZE = 12
TAG_SIZE = 16
# A full chunk as stored; only a track's final chunk may be shorter.
SEALED_CHUNK_SIZE = NONCE_SIZE + CHUNK_SIZE + TAG_SIZE
KEY_SIZE = 32

_CHUNK_CONTEXT = b"chaperon.vault.chunk.v1\x00"
_PLACE = struct.Struct(">IQB")  # track number, chunk index, final flag


class ChunkRejected(Exception):
    """A chunk did not open: the stored recording was altered, reordered, mixed with another
    recording's or cut short. ``str()`` says which chunk and what that means."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_SIZE * 8)


def chunk_aad(recording: uuid.UUID, track: int, index: int, *, final: bool) -> bytes:
    return _CHUNK_CONTEXT + recording.bytes + _PLACE.pack(track, index, int(final))


def seal_chunk(
    cipher: AESGCM, plaintext: bytes, recording: uuid.UUID, track: int, index: int, *, final: bool
) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    aad = chunk_aad(recording, track, index, final=final)
    return nonce + cipher.encrypt(nonce, plaintext, aad)


def seal_chunk_into(
    buffer: bytearray,
    cipher: AESGCM,
    plaintext: memoryview,
    recording: uuid.UUID,
    track: int,
    index: int,
    *,
    final: bool,
) -> memoryview:
    """``seal_chunk`` into ``buffer`` (at least ``SEALED_CHUNK_SIZE`` long), reused from one
    chunk to the next: no fresh megabyte to allocate (and fault in) for every chunk."""
    nonce = os.urandom(NONCE_SIZE)
    aad = chunk_aad(recording, track, index, final=final)
    end = NONCE_SIZE + len(plaintext) + TAG_SIZE
    view = memoryview(buffer)
    view[:NONCE_SIZE] = nonce
    cipher.encrypt_into(nonce, plaintext, aad, view[NONCE_SIZE:end])
    return view[:end]


def open_chunk(
    cipher: AESGCM,
    sealed: bytes | memoryview,
    recording: uuid.UUID,
    track: int,
    index: int,
    *,
    final: bool,
) -> bytes:
    """The plaintext of a sealed chunk, once its tag is checked against its place: a fresh
    ``bytes``, decrypted straight from ``sealed`` (which may be a view of a reused buffer)."""
    if len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise ChunkRejected(
            f"track {track}, chunk {index} is cut short ({len(sealed)} bytes stored): "
            "the recording was damaged or truncated"
        )
    if len(sealed) > SEALED_CHUNK_SIZE or (not final and len(sealed) != SEALED_CHUNK_SIZE):
        raise ChunkRejected(
            f"track {track}, chunk {index} has the wrong length ({len(sealed)} bytes): "
            "the recording was damaged or truncated"
        )
    aad = chunk_aad(recording, track, index, final=final)
    view = memoryview(sealed)  # slices of a view copy nothing
    try:
        return cipher.decrypt(bytes(view[:NONCE_SIZE]), view[NONCE_SIZE:], aad)
    except InvalidTag:
        where = "final chunk" if final else "chunk"
        raise ChunkRejected(
            f"track {track}, {where} {index} failed its integrity check: the stored recording "
            "was altered, reordered, cut short or mixed with another recording's"
        ) from None
