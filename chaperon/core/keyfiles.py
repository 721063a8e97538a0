"""Secret keys kept in files outside the database: 32 random bytes in base64, mode 0600, owned
by the user running Chaperon. The recordings vault's key-encryption key and the audit log's
digest signing key are both kept this way; each names its own setting and command in errors."""

import base64
import binascii
import os
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_SIZE = 32


def write_key_file(path: Path) -> None:
    """Make a new key file readable by its owner only; refuse to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = base64.b64encode(os.urandom(KEY_SIZE)) + b"\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, key)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_key_bytes(path: Path, *, setting: str, missing: str, make: str) -> bytes:
    """The key in ``path``, after checking that only we can read it; ``ImproperlyConfigured``
    naming ``setting`` if not. ``missing`` says what the key is for and how to get one;
    ``make`` is the command that makes a key file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImproperlyConfigured(f"{setting}: {path} does not exist. {missing}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImproperlyConfigured(f"{setting}: {path} is not a regular file")
    if info.st_uid != os.geteuid():
        raise ImproperlyConfigured(
            f"{setting}: {path} belongs to user id {info.st_uid}, not to the user running "
            f"Chaperon ({os.geteuid()}): chown it to this user"
        )
    if info.st_mode & 0o077:
        raise ImproperlyConfigured(
            f"{setting}: {path} can be read by others (mode {stat.S_IMODE(info.st_mode):04o}): "
            f"run `chmod 600 {path}`"
        )
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_SIZE:
        raise ImproperlyConfigured(
            f"{setting}: {path} does not hold a key ({KEY_SIZE} bytes in base64); "
            f"make one with `{make}`"
        )
    return key
