"""The encrypted package a child protection file travels in to a school not on Chaperon
(INC-8, LOG-2): one file, readable only with its passphrase, and refused whole if a byte of
it has changed.

Layout: ``MAGIC`` (a line naming the format), then a header of JSON on one line (the key
derivation's parameters, its salt and the nonce), then the AES-256-GCM ciphertext. The key is
derived from the passphrase with scrypt (n=2**15, r=8, p=1); the magic line and the header are
the cipher's associated data, so changing either refuses the package as surely as changing
the ciphertext. Inside, once decrypted: JSON with a manifest (what it holds, who sent it, the
digest of the file) and the file itself (``concerns.transfer_file``), documents included.

The passphrase is made here: eight groups of five characters from a 32-letter alphabet with no
look-alikes, 200 bits from ``secrets``. It is shown once to the sender and never stored.
"""

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"CHAPERON-FILE-PACKAGE/1\n"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters: no 0/O, 1/I
GROUPS, GROUP_LENGTH = 8, 5
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
SALT_BYTES, NONCE_BYTES = 16, 12
# Scrypt with n=2**15 and r=8 needs 32 MiB; a package asking for more is not ours.
MAX_N = 2**17


class PackageRefused(Exception):
    """The package cannot be opened: the passphrase is wrong, or the package was changed."""


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    content: dict[str, Any]


def new_passphrase() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(
        letters[start : start + GROUP_LENGTH] for start in range(0, len(letters), GROUP_LENGTH)
    )


def normalised(passphrase: str) -> bytes:
    """As typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in passphrase.upper() if ch.isalnum()).encode("ascii", "ignore")


def _key(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return kdf.derive(normalised(passphrase))


def digest(content: dict[str, Any]) -> str:
    """The SHA-256 of the file as canonical JSON: the same on both sides of a transfer."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal(manifest: dict[str, Any], content: dict[str, Any], passphrase: str) -> bytes:
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = json.dumps(
        {
            "kdf": "scrypt",
            **SCRYPT,
            "salt": base64.b64encode(salt).decode(),
            "cipher": "AES-256-GCM",
            "nonce": base64.b64encode(nonce).decode(),
        },
        sort_keys=True,
    ).encode()
    inner = json.dumps(
        {"manifest": {**manifest, "content_sha256": digest(content)}, "content": content},
        ensure_ascii=False,
    ).encode("utf-8")
    sealed = AESGCM(_key(passphrase, salt, SCRYPT)).encrypt(nonce, inner, MAGIC + header)
    return MAGIC + header + b"\n" + sealed


def _header(package: bytes) -> tuple[bytes, dict[str, Any], bytes]:
    if not package.startswith(MAGIC):
        raise PackageRefused("this is not a Chaperon file package")
    header, newline, sealed = package[len(MAGIC) :].partition(b"\n")
    try:
        fields = json.loads(header)
        params = {key: int(fields[key]) for key in ("n", "r", "p")}
        salt = base64.b64decode(fields["salt"], validate=True)
        nonce = base64.b64decode(fields["nonce"], validate=True)
    except (ValueError, KeyError, TypeError):
        raise PackageRefused("the package has been changed or damaged") from None
    if not newline or fields.get("kdf") != "scrypt" or fields.get("cipher") != "AES-256-GCM":
        raise PackageRefused("the package has been changed or damaged")
    if not (2 <= params["n"] <= MAX_N and params["r"] == 8 and params["p"] == 1):
        raise PackageRefused("the package has been changed or damaged")
    if len(salt) != SALT_BYTES or len(nonce) != NONCE_BYTES:
        raise PackageRefused("the package has been changed or damaged")
    return header, {**params, "salt": salt, "nonce": nonce}, sealed


def open_package(package: bytes, passphrase: str) -> Opened:
    """The manifest and the file; ``PackageRefused`` if the passphrase is wrong or any byte
    of the package was changed (the two cannot be told apart, by design)."""
    header, fields, sealed = _header(package)
    params = {key: fields[key] for key in ("n", "r", "p")}
    try:
        inner = AESGCM(_key(passphrase, fields["salt"], params)).decrypt(
            fields["nonce"], sealed, MAGIC + header
        )
    except (InvalidTag, ValueError):
        raise PackageRefused(
            "the passphrase is wrong, or the package has been changed since it was made"
        ) from None
    opened = json.loads(inner.decode("utf-8"))
    manifest, content = opened["manifest"], opened["content"]
    if manifest.get("content_sha256") != digest(content):
        raise PackageRefused("the package's contents do not match its manifest")
    return Opened(manifest=manifest, content=content)
