"""Key-encryption keys: each recording's data key is stored only wrapped by one of these.

The default ``FileKeyWrapper`` holds a 256-bit key read from ``VAULT_KEY_FILE`` (outside the
database; mode 0600 and owned by the user running Chaperon, checked at start). Another
``KeyWrapper`` (a cloud KMS, HashiCorp Vault's transit engine) plugs in through
``VAULT_KEY_WRAPPER``: the dotted path of a callable taking no arguments and returning one.
"""

import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.module_loading import import_string

from chaperon.core.keyfiles import read_key_bytes, write_key_file

from .crypto import KEY_SIZE, NONCE_SIZE

_WRAP_CONTEXT = b"chaperon.vault.data-key.v1\x00"


class KeyWrapper(Protocol):
    """Wraps and unwraps data keys. ``context`` (the recording's UUID) is bound to the wrapped
    key, so a wrapped key copied onto another recording does not unwrap."""

    @property
    def key_id(self) -> str:
        """Names the key-encryption key (never the key itself); stored beside each wrapped key."""
        ...

    def wrap(self, data_key: bytes, *, context: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, *, context: bytes) -> bytes: ...


class KeyUnavailable(Exception):
    """No configured key-encryption key can unwrap this data key."""


class FileKeyWrapper:
    """AES-256-GCM key wrapping under a key held in a file."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError("a key-encryption key is 32 bytes")
        self._cipher = AESGCM(key)
        digest = hashlib.sha256(b"chaperon.vault.key-id\x00" + key).hexdigest()
        self._key_id = f"file:{digest[:16]}"

    @property
    def key_id(self) -> str:
        return self._key_id

    def wrap(self, data_key: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return nonce + self._cipher.encrypt(nonce, data_key, _WRAP_CONTEXT + context)

    def unwrap(self, wrapped: bytes, *, context: bytes) -> bytes:
        try:
            return self._cipher.decrypt(
                wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], _WRAP_CONTEXT + context
            )
        except InvalidTag:
            raise KeyUnavailable(f"the data key does not unwrap under {self.key_id}") from None


def read_key_file(path: Path, *, setting: str = "VAULT_KEY_FILE") -> FileKeyWrapper:
    """The key in ``path``, after checking that only we can read it; a clear error if not."""
    key = read_key_bytes(
        path,
        setting=setting,
        missing=(
            "Recordings cannot be kept without their key: make one with "
            f"`chaperon vault new-key {path}` (and back it up apart from the database), "
            "or point VAULT_KEY_FILE at the existing one."
        ),
        make="chaperon vault new-key PATH",
    )
    return FileKeyWrapper(key)


@functools.lru_cache(maxsize=4)
def _wrappers(
    factory: str, key_file: Path, previous: tuple[Path, ...], create: bool
) -> tuple[KeyWrapper, dict[str, KeyWrapper]]:
    current: KeyWrapper
    if factory:
        current = cast(Callable[[], KeyWrapper], import_string(factory))()
    else:
        if create and not key_file.exists():
            write_key_file(key_file)
        current = read_key_file(key_file)
    known: dict[str, KeyWrapper] = {current.key_id: current}
    for path in previous:
        older = read_key_file(path, setting="VAULT_PREVIOUS_KEY_FILES")
        known.setdefault(older.key_id, older)
    return current, known


def _configured() -> tuple[KeyWrapper, dict[str, KeyWrapper]]:
    previous: Sequence[Path] = settings.VAULT_PREVIOUS_KEY_FILES
    return _wrappers(
        settings.VAULT_KEY_WRAPPER,
        Path(settings.VAULT_KEY_FILE),
        tuple(Path(path) for path in previous),
        bool(settings.VAULT_CREATE_KEY),
    )


def check_configuration() -> None:
    """Called at start: refuse to run with a missing or unsafe key (``ImproperlyConfigured``)."""
    _configured()


def current_wrapper() -> KeyWrapper:
    """The key that wraps new data keys."""
    return _configured()[0]


def wrapper_for(key_id: str) -> KeyWrapper:
    """The configured key named ``key_id`` (current or previous)."""
    known = _configured()[1]
    try:
        return known[key_id]
    except KeyError:
        raise KeyUnavailable(
            f"the data key is wrapped under {key_id}, which is neither VAULT_KEY_FILE nor one "
            "of VAULT_PREVIOUS_KEY_FILES"
        ) from None
