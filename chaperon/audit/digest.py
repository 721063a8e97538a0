"""Signed digests of the chain head: the anchor of the audit log outside the database.

Whoever can write to the database as its owner can switch the triggers off, rewrite events and
recompute every later hash; ``verify`` then finds a consistent chain. A digest, taken daily and
emailed to each organisation's safeguarding leads, records the head's number and hash at that
moment, signed with an Ed25519 key kept in a file beside the vault key (``AUDIT_DIGEST_KEY_FILE``,
never in the database). Later, ``chaperon audit verify --digest`` checks that the chain still
holds that event with that hash: since each hash covers every event before it, a match proves
that none of the anchored events has changed since.

A digest is text that survives being pasted into or saved from an email::

    -----BEGIN CHAPERON AUDIT DIGEST-----
    installation: https://chaperon.school.example
    taken: 2026-03-02T06:00:04Z
    events: 48213
    head: 4be1c0…9a
    key: ed25519:3f2a1b4c5d6e7f80
    signature: …
    -----END CHAPERON AUDIT DIGEST-----

The signature covers the line ``chaperon audit digest v1`` and the lines from ``installation``
to ``key`` as shown, joined by newlines.
"""

import base64
import binascii
import contextlib
import dataclasses
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chaperon.core.email_queue import queue_email
from chaperon.core.keyfiles import read_key_bytes, write_key_file

from .actions import AuditAction
from .models import GENESIS_HASH, AuditChainHead, AuditDigest, AuditEvent
from .services import record
from .verify import Verification, verify_chain

logger = logging.getLogger(__name__)

BEGIN = "-----BEGIN CHAPERON AUDIT DIGEST-----"
END = "-----END CHAPERON AUDIT DIGEST-----"
_SIGNED_PREFIX = "chaperon audit digest v1"
_SIGNED_FIELDS = ("installation", "taken", "events", "head", "key")
_SIGNATURE_LINE = 44  # characters of base64 per line: short enough for any email client
_HASH = re.compile(r"[0-9a-f]{64}")


class DigestError(Exception):
    """A digest that cannot be read, or whose signature does not hold."""


# The signing key --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public)


def key_id_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return f"ed25519:{hashlib.sha256(raw).hexdigest()[:16]}"


def read_digest_key(path: Path, *, setting: str = "AUDIT_DIGEST_KEY_FILE") -> DigestKey:
    seed = read_key_bytes(
        path,
        setting=setting,
        missing=(
            "The audit log's daily digests are signed with this key: make one with "
            f"`chaperon audit new-key {path}` (and back it up apart from the database), or "
            "point AUDIT_DIGEST_KEY_FILE at the existing one."
        ),
        make="chaperon audit new-key PATH",
    )
    return DigestKey(Ed25519PrivateKey.from_private_bytes(seed))


@functools.lru_cache(maxsize=4)
def _configured_key(path: Path, create: bool) -> DigestKey:
    if create and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_key_file(path)
    return read_digest_key(path)


def digest_key() -> DigestKey:
    """The configured signing key; ``ImproperlyConfigured`` if it is missing or unsafe."""
    return _configured_key(
        Path(settings.AUDIT_DIGEST_KEY_FILE), bool(settings.AUDIT_DIGEST_CREATE_KEY)
    )


# Digests ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    installation: str
    taken: str  # UTC, ISO 8601 to the second, "Z"
    events: int  # the head's event number (0: an empty log)
    head: str  # that event's hash
    key: str  # the signing key's id
    signature: bytes = b""

    def signed_text(self) -> bytes:
        fields = [f"{name}: {getattr(self, name)}" for name in _SIGNED_FIELDS]
        return "\n".join([_SIGNED_PREFIX, *fields]).encode()

    def text(self) -> str:
        signature = base64.b64encode(self.signature).decode()
        pieces = [
            signature[start : start + _SIGNATURE_LINE]
            for start in range(0, len(signature), _SIGNATURE_LINE)
        ]
        lines = [f"{name}: {getattr(self, name)}" for name in _SIGNED_FIELDS]
        lines.append(f"signature: {pieces[0]}")
        lines.extend(f"  {piece}" for piece in pieces[1:])
        return "\n".join([BEGIN, *lines, END]) + "\n"


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def take_digest(key: DigestKey, *, now: datetime | None = None) -> Digest:
    """The chain head as it is now, signed."""
    head = AuditChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    seq, head_hash = head if head else (0, GENESIS_HASH)
    unsigned = Digest(
        installation=settings.SITE_URL,
        taken=_utc_text(now or timezone.now()),
        events=seq,
        head=head_hash,
        key=key.key_id,
    )
    return dataclasses.replace(unsigned, signature=key.private.sign(unsigned.signed_text()))


def parse_digest(text: str) -> Digest:
    """The digest in ``text`` (a whole saved email will do); ``DigestError`` if there is none
    or it is incomplete. The signature is not checked here: see ``check_signature``."""
    lines = [re.sub(r"^[>\s]+", "", line).rstrip() for line in text.splitlines()]
    try:
        body = lines[lines.index(BEGIN) + 1 : lines.index(END)]
    except ValueError:
        raise DigestError(f"no digest found: it starts with the line {BEGIN}") from None
    fields: dict[str, str] = {}
    last = ""
    for line in body:
        name, colon, value = line.partition(":")
        if colon and name in (*_SIGNED_FIELDS, "signature"):
            last = name
            fields[name] = value.strip()
        elif last == "signature" and line:
            fields["signature"] += line.strip()
    missing = [name for name in (*_SIGNED_FIELDS, "signature") if not fields.get(name)]
    if missing:
        raise DigestError(f"the digest has no {', '.join(missing)}: it is incomplete")
    if not fields["events"].isdigit() or not _HASH.fullmatch(fields["head"]):
        raise DigestError("the digest's events or head is not a number and a SHA-256 hash")
    try:
        signature = base64.b64decode(fields["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise DigestError("the digest's signature is not base64") from None
    return Digest(
        installation=fields["installation"],
        taken=fields["taken"],
        events=int(fields["events"]),
        head=fields["head"],
        key=fields["key"],
        signature=signature,
    )


def check_signature(digest: Digest, public: Ed25519PublicKey) -> None:
    """``DigestError`` unless ``digest`` was signed with the private half of ``public``."""
    ours = key_id_of(public)
    if digest.key != ours:
        raise DigestError(
            f"the digest was signed with key {digest.key}, but this installation's "
            f"AUDIT_DIGEST_KEY_FILE holds {ours}"
        )
    try:
        public.verify(digest.signature, digest.signed_text())
    except InvalidSignature:
        raise DigestError(
            "the digest's signature does not hold: it was changed after it was signed"
        ) from None


def verify_against_digest(digest: Digest, walked: Verification | None = None) -> Verification:
    """The whole chain verified (``walked``, if the caller has walked it already), then the
    digest's event found with the digest's hash."""
    result = walked or verify_chain()
    if not result.ok or digest.events == 0:
        return result
    stored = AuditEvent.objects.filter(seq=digest.events).values_list("hash", flat=True).first()
    if stored is None:
        return Verification(
            False,
            result.events,
            f"event #{digest.events}: missing; the digest of {digest.taken} records it, and "
            f"the log now ends at event #{result.events}",
            digest.events,
        )
    if stored != digest.head:
        return Verification(
            False,
            result.events,
            f"event #{digest.events}: does not match the digest of {digest.taken}: the log "
            "was rewritten up to this event or before it",
            digest.events,
        )
    return result


# The daily email ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRecipients:
    organisation_id: int
    organisation_name: str
    emails: list[str]


_recipient_providers: list[Callable[[], Iterable[DigestRecipients]]] = []


def register_digest_recipients(provider: Callable[[], Iterable[DigestRecipients]]) -> None:
    """Who receives the daily digest: the app that knows the organisations' safeguarding leads
    registers them in ``ready()`` (this app sits below it)."""
    if provider not in _recipient_providers:
        _recipient_providers.append(provider)


def _recipients() -> list[DigestRecipients]:
    return [group for provider in _recipient_providers for group in provider()]


def _email_text(digest: Digest, organisation_name: str) -> str:
    return (
        f"This is the daily fingerprint of Chaperon's audit log, sent to the safeguarding "
        f"leads of {organisation_name}.\n\n"
        f"Please keep this email. It records that the log's first {digest.events} events "
        "ended with the hash below when it was taken. If anyone later changed, removed or "
        "rewrote any of those events, even with full rights over the database, checking this "
        "digest would show it. Your system administrator checks it by saving this email as a "
        "file and running:\n\n"
        "  chaperon audit verify --digest saved-email.txt\n\n"
        "You need do nothing else.\n\n"
        f"{digest.text()}"
    )


def send_daily_digest(*, now: datetime | None = None) -> int:
    """Take today's digest (UTC) and email it to every organisation's safeguarding leads,
    once a day however often it is called; returns the number of emails queued."""
    now = now or timezone.now()
    key = digest_key()
    day = now.astimezone(UTC).date()
    with transaction.atomic():
        if AuditDigest.objects.filter(day=day).exists():
            return 0
        digest = take_digest(key, now=now)
        try:
            with transaction.atomic():
                AuditDigest.objects.create(
                    day=day, seq=digest.events, hash=digest.head, text=digest.text()
                )
        except IntegrityError:
            return 0  # another scheduler took today's digest a moment ago
        sent = 0
        for group in _recipients():
            for email in group.emails:
                queue_email(
                    to=email,
                    subject=f"Audit log digest for {day:%-d %B %Y}: event {digest.events}",
                    text=_email_text(digest, group.organisation_name),
                    purpose="audit_digest",
                    organisation_id=group.organisation_id,
                )
                sent += 1
        if not sent:
            logger.warning("audit digest of %s: no safeguarding lead to send it to", day)
        record(
            action=AuditAction.AUDIT_DIGEST_SENT,
            data={"events": digest.events, "emails": sent, "key": digest.key},
        )
    return sent
