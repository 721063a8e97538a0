"""Signed digests of the chain heads: the anchor of the audit log outside the database.

Whoever can write to the database as its owner can switch the triggers off, rewrite events and
recompute every later hash; ``verify`` then finds a consistent chain. A digest, taken daily and
emailed to each organisation's safeguarding leads, records the head's number and hash at that
moment, signed with an Ed25519 key kept in a file beside the vault key (``AUDIT_DIGEST_KEY_FILE``,
never in the database). Later, ``chaperon audit verify --digest`` checks that the chain still
holds that event with that hash: since each hash covers every event before it, a match proves
that none of the anchored events has changed since.

There is one digest per chain: an organisation's leads receive their own chain's, and the
system chain's and the legacy segment's (which hold events of every organisation).

A digest is text that survives being pasted into or saved from an email::

    -----BEGIN CHAPERON AUDIT DIGEST-----
    installation: https://chaperon.school.example
    taken: 2026-03-02T06:00:04Z
    chain: organisation 3
    events: 48213
    head: 4be1c0…9a
    key: ed25519:3f2a1b4c5d6e7f80
    signature: …
    -----END CHAPERON AUDIT DIGEST-----

The signature covers the line ``chaperon audit digest v2`` and the lines from ``installation``
to ``key`` as shown, joined by newlines. A digest taken before each organisation had its own
chain has no ``chain`` line and begins its signed text ``chaperon audit digest v1``: it is of
the chain now kept as the legacy segment, and still checks against it.
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
from .models import (
    GENESIS_HASH,
    SYSTEM_CHAIN,
    AuditChainHead,
    AuditDigest,
    AuditEvent,
    LegacyAuditEvent,
    LegacyChainHead,
)
from .services import record
from .verify import LEGACY, Verification, chain_name, verify_chain

logger = logging.getLogger(__name__)

BEGIN = "-----BEGIN CHAPERON AUDIT DIGEST-----"
END = "-----END CHAPERON AUDIT DIGEST-----"
_SIGNED_PREFIX = "chaperon audit digest v2"
_LEGACY_SIGNED_PREFIX = "chaperon audit digest v1"  # before chains: no chain line
_SIGNED_FIELDS = ("installation", "taken", "chain", "events", "head", "key")
_FIELDS_OF_V1 = ("installation", "taken", "events", "head", "key")
_CHAIN = re.compile(
    r"(?:organisation (?P<organisation>[0-9]+)|(?P<system>system)|(?P<legacy>legacy))"
)
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
    events: int  # the head's event number (0: an empty chain)
    head: str  # that event's hash
    key: str  # the signing key's id
    signature: bytes = b""
    # "organisation 3", "system" or "legacy"; "" in a digest taken before chains (v1), which
    # is of the chain now kept as the legacy segment
    chain: str = ""

    @property
    def chain_key(self) -> int | None:
        """The chain's key (``LEGACY``, None, for the legacy segment)."""
        match = _CHAIN.fullmatch(self.chain)
        if match is None or match["legacy"]:
            return LEGACY
        return SYSTEM_CHAIN if match["system"] else int(match["organisation"])

    def _fields(self) -> tuple[str, ...]:
        return _SIGNED_FIELDS if self.chain else _FIELDS_OF_V1

    def signed_text(self) -> bytes:
        prefix = _SIGNED_PREFIX if self.chain else _LEGACY_SIGNED_PREFIX
        fields = [f"{name}: {getattr(self, name)}" for name in self._fields()]
        return "\n".join([prefix, *fields]).encode()

    def text(self) -> str:
        signature = base64.b64encode(self.signature).decode()
        pieces = [
            signature[start : start + _SIGNATURE_LINE]
            for start in range(0, len(signature), _SIGNATURE_LINE)
        ]
        lines = [f"{name}: {getattr(self, name)}" for name in self._fields()]
        lines.append(f"signature: {pieces[0]}")
        lines.extend(f"  {piece}" for piece in pieces[1:])
        return "\n".join([BEGIN, *lines, END]) + "\n"


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest_chain_text(chain: int | None) -> str:
    if chain is LEGACY:
        return "legacy"
    return "system" if chain == SYSTEM_CHAIN else f"organisation {chain}"


def _head_of(chain: int | None) -> tuple[int, str]:
    head = (
        LegacyChainHead.objects.filter(id=1)
        if chain is LEGACY
        else AuditChainHead.objects.filter(chain=chain)
    )
    found = head.values_list("seq", "hash").first()
    return found if found else (0, GENESIS_HASH)


def take_digest(
    key: DigestKey, *, chain: int | None = SYSTEM_CHAIN, now: datetime | None = None
) -> Digest:
    """The head of ``chain`` (an organisation's id, ``SYSTEM_CHAIN``, or ``LEGACY`` for the
    legacy segment) as it is now, signed."""
    seq, head_hash = _head_of(chain)
    unsigned = Digest(
        installation=settings.SITE_URL,
        taken=_utc_text(now or timezone.now()),
        events=seq,
        head=head_hash,
        key=key.key_id,
        chain=_digest_chain_text(chain),
    )
    return dataclasses.replace(unsigned, signature=key.private.sign(unsigned.signed_text()))


def chains_to_digest(organisation: int | None = None) -> list[int | None]:
    """The chains a digest is taken of: the legacy segment (if there is one), the system
    chain, and every organisation's chain that has events (or only ``organisation``'s)."""
    if organisation is not None:
        return [organisation]
    chains: list[int | None] = [LEGACY] if LegacyChainHead.objects.exists() else []
    chains.append(SYSTEM_CHAIN)
    others = AuditChainHead.objects.exclude(chain=SYSTEM_CHAIN).order_by("chain")
    chains.extend(others.values_list("chain", flat=True))
    return chains


def take_digests(
    key: DigestKey, *, organisation: int | None = None, now: datetime | None = None
) -> list[Digest]:
    now = now or timezone.now()
    return [take_digest(key, chain=chain, now=now) for chain in chains_to_digest(organisation)]


def _digest_blocks(text: str) -> list[list[str]]:
    lines = [re.sub(r"^[>\s]+", "", line).rstrip() for line in text.splitlines()]
    blocks: list[list[str]] = []
    while BEGIN in lines:
        start = lines.index(BEGIN) + 1
        if END not in lines[start:]:
            break
        end = lines.index(END, start)
        blocks.append(lines[start:end])
        lines = lines[end + 1 :]
    return blocks


def parse_digests(text: str) -> list[Digest]:
    """Every digest in ``text`` (a whole saved email will do: it holds one per chain);
    ``DigestError`` if there is none or one is incomplete."""
    blocks = _digest_blocks(text)
    if not blocks:
        raise DigestError(f"no digest found: it starts with the line {BEGIN}")
    return [_parse_block(block) for block in blocks]


def parse_digest(text: str) -> Digest:
    """The first digest in ``text``. The signature is not checked here: see
    ``check_signature``."""
    return parse_digests(text)[0]


def _parse_block(body: list[str]) -> Digest:
    fields: dict[str, str] = {}
    last = ""
    for line in body:
        name, colon, value = line.partition(":")
        if colon and name in (*_SIGNED_FIELDS, "signature"):
            last = name
            fields[name] = value.strip()
        elif last == "signature" and line:
            fields["signature"] += line.strip()
    required = (*(_SIGNED_FIELDS if "chain" in fields else _FIELDS_OF_V1), "signature")
    missing = [name for name in required if not fields.get(name)]
    if missing:
        raise DigestError(f"the digest has no {', '.join(missing)}: it is incomplete")
    if not fields["events"].isdigit() or not _HASH.fullmatch(fields["head"]):
        raise DigestError("the digest's events or head is not a number and a SHA-256 hash")
    if "chain" in fields and not _CHAIN.fullmatch(fields["chain"]):
        raise DigestError("the digest's chain is not 'organisation N', 'system' or 'legacy'")
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
        chain=fields.get("chain", ""),
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


def _stored_hash(chain: int | None, seq: int) -> str | None:
    events = (
        LegacyAuditEvent.objects.filter(seq=seq)
        if chain is LEGACY
        else AuditEvent.objects.filter(chain=chain, seq=seq)
    )
    return events.values_list("hash", flat=True).first()


def _last_seq(chain: int | None) -> int:
    events = (
        LegacyAuditEvent.objects.all()
        if chain is LEGACY
        else AuditEvent.objects.filter(chain=chain)
    )
    return events.order_by("-seq").values_list("seq", flat=True).first() or 0


def verify_against_digest(
    digest: Digest | list[Digest], walked: Verification | None = None
) -> Verification:
    """The chains verified (``walked``, if the caller has walked them already), then each
    digest's event found in its chain with the digest's hash."""
    digests = digest if isinstance(digest, list) else [digest]
    result = walked or verify_chain()
    if not result.ok:
        return result
    for one in digests:
        chain = one.chain_key
        if one.events == 0:
            continue
        stored = _stored_hash(chain, one.events)
        where = f"{chain_name(chain)}: event #{one.events}"
        if stored is None:
            problem = (
                f"{where}: missing; the digest of {one.taken} records it, and the chain now "
                f"ends at event #{_last_seq(chain)}"
            )
            return Verification(False, result.events, problem, one.events, result.chains, chain)
        if stored != one.head:
            problem = (
                f"{where}: does not match the digest of {one.taken}: the chain was rewritten "
                "up to this event or before it"
            )
            return Verification(False, result.events, problem, one.events, result.chains, chain)
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


def _email_text(digests: list[Digest], organisation_name: str) -> str:
    own = digests[0]
    return (
        f"This is the daily fingerprint of Chaperon's audit log, sent to the safeguarding "
        f"leads of {organisation_name}.\n\n"
        f"Please keep this email. It records that the first {own.events} events of "
        f"{organisation_name}'s audit log ended with the hash below when it was taken (the "
        "blocks after it do the same for the events of no organisation, and for the log kept "
        "from before each organisation had its own). If anyone later changed, removed or "
        "rewrote any of those events, even with full rights over the database, checking this "
        "digest would show it. Your system administrator checks it by saving this email as a "
        "file and running:\n\n"
        "  chaperon audit verify --digest saved-email.txt\n\n"
        "You need do nothing else.\n\n" + "\n".join(digest.text() for digest in digests)
    )


def send_daily_digest(*, now: datetime | None = None) -> int:
    """Take today's digest (UTC) of every chain and email each organisation's safeguarding
    leads their own chain's, with the system chain's and the legacy segment's; once a day
    however often it is called. Returns the number of emails queued."""
    now = now or timezone.now()
    key = digest_key()
    day = now.astimezone(UTC).date()
    with transaction.atomic():
        if AuditDigest.objects.filter(day=day).exists():
            return 0
        groups = _recipients()
        chains = chains_to_digest()
        chains.extend(g.organisation_id for g in groups if g.organisation_id not in chains)
        digests = {chain: take_digest(key, chain=chain, now=now) for chain in chains}
        try:
            with transaction.atomic():
                AuditDigest.objects.bulk_create(
                    AuditDigest(
                        day=day, chain=chain, seq=one.events, hash=one.head, text=one.text()
                    )
                    for chain, one in digests.items()
                )
        except IntegrityError:
            return 0  # another scheduler took today's digest a moment ago
        shared = [digests[SYSTEM_CHAIN], *([digests[LEGACY]] if LEGACY in digests else [])]
        sent = 0
        for group in groups:
            own = digests[group.organisation_id]
            for email in group.emails:
                queue_email(
                    to=email,
                    subject=f"Audit log digest for {day:%-d %B %Y}: event {own.events}",
                    text=_email_text([own, *shared], group.organisation_name),
                    purpose="audit_digest",
                    organisation_id=group.organisation_id,
                )
                sent += 1
        if not sent:
            logger.warning("audit digest of %s: no safeguarding lead to send it to", day)
        record(
            action=AuditAction.AUDIT_DIGEST_SENT,
            data={"chains": len(digests), "emails": sent, "key": key.key_id},
        )
    return sent
