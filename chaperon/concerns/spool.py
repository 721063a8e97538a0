"""Public reports kept while the database is down, and raised once it is back (INC-1, LOG-1).

A report the public page cannot save is written here before the page answers: one file per
report in ``CONCERN_SPOOL_DIR`` (mode 0700, files 0600), fsynced, sealed exactly like a
recording in the vault: a fresh data key wrapped by the vault's key-encryption key
(``recordings.keys``), the report in AES-256-GCM chunks bound to the report's id
(``recordings.crypto``). Nothing in a spool file can be read without that key.

``replay_spooled_reports`` (the scheduler every minute, or ``chaperon replay_spooled_reports``)
raises each one through ``concern_raise``, so the DSL is alerted as for any report, and records
its id in ``SpooledReport`` in the same transaction: a report replayed twice, or by two
replayers at once, is raised once. The file is removed only after that commits.
"""

import base64
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chaperon.core.actors import PUBLIC
from chaperon.core.exceptions import ValidationFailed
from chaperon.people.models import Organisation
from chaperon.recordings.crypto import (
    CHUNK_SIZE,
    SEALED_CHUNK_SIZE,
    ChunkRejected,
    new_data_key,
    open_chunk,
    seal_chunk,
)
from chaperon.recordings.keys import KeyUnavailable, current_wrapper, wrapper_for
from chaperon.sessions.invitations import invitation_for_token

from .attachments import ConcernFile
from .models import SpooledReport

logger = logging.getLogger(__name__)

MAGIC = b"chaperon.concerns.spool.v1\n"
SUFFIX = ".report"
# Reports kept at once; past it, the page says the report could not be kept (and gives 999,
# the safeguarding contacts and CEOP) rather than fill the disk.
MAX_FILES = 5_000


class SpoolUnavailable(Exception):
    """The report could not be kept (no key, no room, the folder cannot be written)."""


@dataclass
class ReplayResult:
    raised: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def folder() -> Path:
    return Path(settings.CONCERN_SPOOL_DIR)


def receipt_code(report_id: uuid.UUID) -> str:
    """What the reporter is given to quote: the first eight hex digits of the report's id."""
    return f"{report_id.hex[:4]}-{report_id.hex[4:8]}".upper()


def spool_report(
    *, route: dict[str, str], fields: dict[str, Any], attachment: ConcernFile | None
) -> str:
    """Keep a report that cannot be saved now; return the reporter's receipt code.

    ``route`` says where it goes (``{"organisation": slug}`` or ``{"invitation": token}``),
    ``fields`` are ``concern_raise``'s keyword arguments as the form gave them.
    """
    report_id = uuid.uuid4()
    payload = {
        "route": route,
        "fields": {key: _jsonable(value) for key, value in fields.items()},
        "attachment": None
        if attachment is None
        else {"name": attachment.name, "text": base64.b64encode(attachment.content).decode()},
        "received_at": timezone.now().isoformat(),
    }
    try:
        _write(report_id, json.dumps(payload).encode())
    except (OSError, KeyUnavailable, ValueError) as error:
        raise SpoolUnavailable(str(error)) from error
    logger.warning("Public report %s kept in the spool: the database is unavailable", report_id)
    return receipt_code(report_id)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return list(value) if isinstance(value, tuple) else value


def _seal(report_id: uuid.UUID, plaintext: bytes, cipher: AESGCM) -> bytes:
    pieces = [plaintext[i : i + CHUNK_SIZE] for i in range(0, len(plaintext), CHUNK_SIZE)]
    return b"".join(
        seal_chunk(cipher, piece, report_id, 0, index, final=index == len(pieces) - 1)
        for index, piece in enumerate(pieces)
    )


def _write(report_id: uuid.UUID, plaintext: bytes) -> None:
    directory = folder()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sum(1 for _ in directory.glob(f"*{SUFFIX}")) >= MAX_FILES:
        raise SpoolUnavailable(f"the spool already holds {MAX_FILES} reports")
    wrapper = current_wrapper()
    data_key = new_data_key()
    header = {
        "id": str(report_id),
        "key_id": wrapper.key_id,
        "wrapped": base64.b64encode(wrapper.wrap(data_key, context=report_id.bytes)).decode(),
    }
    sealed = _seal(report_id, plaintext, AESGCM(data_key))
    temporary = directory / f".{report_id}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, MAGIC + json.dumps(header).encode() + b"\n" + sealed)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    temporary.replace(directory / f"{report_id}{SUFFIX}")
    _sync(directory)


def _sync(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_report(path: Path) -> tuple[uuid.UUID, dict[str, Any]]:
    """A spool file's id and report; ``ChunkRejected``, ``KeyUnavailable`` or ``ValueError``
    if it cannot be opened."""
    content = path.read_bytes()
    if not content.startswith(MAGIC):
        raise ValueError(f"{path.name} is not a spooled report")
    header_line, _, sealed = content[len(MAGIC) :].partition(b"\n")
    header = json.loads(header_line)
    report_id = uuid.UUID(header["id"])
    wrapper = wrapper_for(header["key_id"])
    cipher = AESGCM(wrapper.unwrap(base64.b64decode(header["wrapped"]), context=report_id.bytes))
    chunks = [sealed[i : i + SEALED_CHUNK_SIZE] for i in range(0, len(sealed), SEALED_CHUNK_SIZE)]
    plaintext = b"".join(
        open_chunk(cipher, chunk, report_id, 0, index, final=index == len(chunks) - 1)
        for index, chunk in enumerate(chunks)
    )
    return report_id, json.loads(plaintext)


def replay_spooled_reports() -> ReplayResult:
    """Raise every spooled report not raised yet, oldest first; remove each file once its
    concern is committed. A file that cannot be raised is kept, and logged as an error."""
    result = ReplayResult()
    directory = folder()
    if not directory.is_dir():
        return result
    for path in sorted(directory.glob(f"*{SUFFIX}"), key=lambda found: found.stat().st_mtime):
        try:
            report_id, report = read_report(path)
        except (OSError, ValueError, KeyError, ChunkRejected, KeyUnavailable) as error:
            result.failed[path.name] = f"cannot be opened: {error}"
            logger.error("Spooled report %s cannot be opened: %s", path.name, error)
            continue
        outcome = _replay_one(report_id, report)
        if outcome in ("raised", "already"):
            path.unlink(missing_ok=True)
            _sync(directory)
            getattr(result, outcome).append(receipt_code(report_id))
        else:
            result.failed[path.name] = outcome
            logger.error("Spooled report %s cannot be raised: %s", path.name, outcome)
    return result


def _replay_one(report_id: uuid.UUID, report: dict[str, Any]) -> str:
    from .services import concern_raise

    if SpooledReport.objects.filter(receipt=report_id.hex).exists():
        return "already"
    received_at = datetime.fromisoformat(report["received_at"])
    try:
        with transaction.atomic():
            concern = concern_raise(
                actor=PUBLIC, **_arguments(report), spooled=(receipt_code(report_id), received_at)
            )
            SpooledReport.objects.create(
                receipt=report_id.hex,
                concern=concern,
                received_at=received_at,
                replayed_at=timezone.now(),
            )
    except IntegrityError:  # another replayer raised it first: its transaction won
        return "already"
    except ValidationFailed as refused:
        return "; ".join(f"{name}: {message}" for name, message in refused.errors.items())
    return "raised"


def _arguments(report: dict[str, Any]) -> dict[str, Any]:
    arguments = {
        key: date.fromisoformat(value["date"]) if isinstance(value, dict) else value
        for key, value in report["fields"].items()
    }
    route = report["route"]
    if "invitation" in route:
        invitation = invitation_for_token(route["invitation"])
        if invitation is None:
            raise ValidationFailed({"invitation": "the session's link no longer works"})
        arguments |= {"invitation": invitation, "organisation": invitation.session.organisation}
    else:
        organisation = Organisation.objects.filter(slug=route.get("organisation", "")).first()
        if organisation is None:
            raise ValidationFailed({"organisation": "no organisation has this address"})
        arguments["organisation"] = organisation
    attachment = report.get("attachment")
    if attachment is not None:
        arguments["attachment"] = ConcernFile(
            attachment["name"], base64.b64decode(attachment["text"])
        )
    return arguments
