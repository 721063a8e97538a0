"""A learner's child protection file as it leaves for a new school, and as it arrives (INC-8,
LOG-2).

``file_for_transfer`` reads the concerns on a learner's file (never allegations about staff)
with every entry of their history, their steps and the words of their documents, as plain data
that names people by name, never by a number that means nothing elsewhere. Reading it is
audited. The sender's concerns are not touched: they stay on file, under the retention
schedule.

``concerns_receive_transferred`` writes such a file into the receiving organisation as new
concerns: each keeps its history with the original times and authors' names (marked with the
school they worked at), and ends with an entry saying where it came from and who accepted it.
The data may have come from a package made elsewhere: every value is checked before anything
is written, documents are rebuilt as text (``attachments.concern_file``), and one bad value
refuses the whole file.
"""

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.people.models import Learner, User

from . import conf
from .attachments import concern_file
from .models import (
    Concern,
    ConcernAttachment,
    ConcernEntry,
    ConcernKind,
    ConcernType,
    EntryKind,
    FourCs,
    ReporterRelation,
    Source,
    Status,
)
from .permissions import access_concern, require_handler
from .selectors import concerns_on_file_of, shown_entries
from .services.common import add_entry
from .services.raising import _next_reference

FORMAT = "chaperon-child-protection-file/1"


@dataclass(frozen=True)
class TransferFile:
    """The file as data (``content``), with the learner it is about and how many concerns."""

    learner: Learner
    content: dict[str, Any]

    @property
    def concern_count(self) -> int:
        return len(self.content["concerns"])


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entry(shown: Any) -> dict[str, Any]:
    entry = shown.entry
    return {
        "at": entry.at.isoformat(),
        "kind": entry.kind,
        "author": entry.author_label,
        "summary": entry.summary,
        "text": entry.text,
        "reason": entry.reason,
        "changes": shown.changes,
    }


def _document(attachment: ConcernAttachment) -> dict[str, Any] | None:
    if not default_storage.exists(attachment.path):
        return None
    with default_storage.open(attachment.path, "rb") as opened:
        content = opened.read()
    return {
        "name": attachment.name,
        "content_type": attachment.content_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def _concern(concern: Concern) -> dict[str, Any]:
    entries = shown_entries(concern, list(concern.entries.select_related("author")))
    documents = [_document(item) for item in concern.attachments.all()]
    return {
        "reference": concern.reference,
        "source": concern.source,
        "raised_by": concern.raised_by.full_name if concern.raised_by else "",
        "reporter_name": concern.reporter_name,
        "reporter_relation": concern.reporter_relation,
        "reporter_contact": concern.reporter_contact,
        "about_name": concern.about_name,
        "description": concern.description,
        "material_location": concern.material_location,
        "seen_by": concern.seen_by,
        "immediate_danger": concern.immediate_danger,
        "category": concern.category,
        "types": list(concern.types),
        "occurred_on": _iso(concern.occurred_on),
        "status": concern.status,
        "raised_at": concern.created_at.isoformat(),
        "acknowledged_at": _iso(concern.acknowledged_at),
        "closed_at": _iso(concern.closed_at),
        "entries": [_entry(item) for item in entries],
        "steps": [
            {
                "title": step.title,
                "owner": step.owner.full_name,
                "due_at": step.due_at.isoformat(),
                "done_at": _iso(step.done_at),
                "done_by": step.done_by.full_name if step.done_by else "",
                "outcome": step.outcome,
            }
            for step in concern.steps.select_related("owner", "done_by")
        ],
        "documents": [item for item in documents if item is not None],
    }


def file_for_transfer(viewer: User, learner_id: int) -> TransferFile:
    """The learner's child protection file, for the DSL or a deputy sending it on. Audited."""
    require_handler(viewer)
    learner = Learner.objects.filter(pk=learner_id, organisation_id=viewer.organisation_id).first()
    if learner is None:
        raise NotFound("No such learner.")
    concerns = concerns_on_file_of(learner).select_related("raised_by", "organisation")
    content = {
        "format": FORMAT,
        "organisation": learner.organisation.name,
        "learner": {
            "first_name": learner.first_name,
            "last_name": learner.last_name,
            "date_of_birth": learner.date_of_birth.isoformat(),
            "year_group": learner.year_group,
        },
        "concerns": [_concern(concern) for concern in concerns.order_by("created_at", "id")],
    }
    record(
        action=AuditAction.CONCERN_FILE_COPIED_FOR_TRANSFER,
        actor=viewer,
        obj=learner,
        data={"concerns": len(content["concerns"])},
    )
    return TransferFile(learner=learner, content=content)


def learner_of_concern(viewer: User, concern_id: int) -> int | None:
    """The learner a concern the viewer may open is about, when it is on their file (not an
    allegation about staff); None otherwise. Says nothing else of the concern."""
    concern = access_concern(viewer, concern_id)
    return concern.learner_id if concern.kind == ConcernKind.CONCERN else None


def concern_count_on_file(learner: Learner) -> int:
    """How many concerns a learner's file holds (a count: nothing of them is read)."""
    return concerns_on_file_of(learner).count()


# Receiving ---------------------------------------------------------------------------------


class FileRefused(ValidationFailed):
    """The file's data is not a child protection file Chaperon can take in."""


def _refuse(what: str) -> FileRefused:
    return FileRefused({"package": f"the file is not one Chaperon can take in: {what}"})


def _text(item: dict[str, Any], key: str, limit: int, *, needed: bool = False) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (needed and not value.strip()):
        raise _refuse(f"“{key}” is missing or too long")
    return value


def _choice(item: dict[str, Any], key: str, allowed: list[str], default: str = "") -> str:
    value = item.get(key, default)
    if value not in allowed:
        raise _refuse(f"“{key}” is not one Chaperon knows")
    return str(value)


def _moment(value: object, key: str, *, optional: bool = False) -> datetime | None:
    if value is None and optional:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise _refuse(f"“{key}” is not a time") from None
    if timezone.is_naive(moment):
        raise _refuse(f"“{key}” has no time zone")
    return moment


def _day(value: object) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _refuse("“occurred_on” is not a date") from None


@dataclass(frozen=True)
class _Checked:
    """One concern of the file, every value checked, ready to write."""

    columns: dict[str, Any]
    raised_at: datetime
    entries: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    documents: list[Any]


def _checked_entries(item: dict[str, Any]) -> list[dict[str, Any]]:
    entries = item.get("entries")
    if not isinstance(entries, list):
        raise _refuse("a concern has no history")
    checked = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise _refuse("an entry of the history is not readable")
        changes = entry.get("changes", [])
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            raise _refuse("an entry's changes are not readable")
        checked.append(
            {
                "at": _moment(entry.get("at"), "at"),
                "kind": _choice(entry, "kind", EntryKind.values),
                "author": _text(entry, "author", 150),
                "summary": _text(entry, "summary", 300),
                "text": _text(entry, "text", conf.DESCRIPTION_MAX_CHARS),
                "reason": _text(entry, "reason", conf.DESCRIPTION_MAX_CHARS),
                "changes": changes,
            }
        )
    return checked


def _checked_documents(item: dict[str, Any]) -> list[Any]:
    documents = []
    for document in item.get("documents", []):
        if not isinstance(document, dict):
            raise _refuse("a document is not readable")
        try:
            content = base64.b64decode(str(document.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            raise _refuse("a document's content is not readable") from None
        if hashlib.sha256(content).hexdigest() != document.get("sha256"):
            raise _refuse("a document does not match its digest")
        name = _text(document, "name", 255, needed=True)
        # Its words only, never a picture: the same check as a document given with a concern.
        documents.append(concern_file(name=name, content=content, declared_type="text/plain"))
    return documents


def _checked(item: object) -> _Checked:
    if not isinstance(item, dict):
        raise _refuse("a concern is not readable")
    types = item.get("types", [])
    if not isinstance(types, list) or any(value not in ConcernType.values for value in types):
        raise _refuse("a concern's types are not ones Chaperon knows")
    steps = item.get("steps", [])
    if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
        raise _refuse("a concern's steps are not readable")
    columns = {
        "source": _choice(item, "source", Source.values),
        "reporter_name": _text(item, "raised_by", conf.NAME_MAX_CHARS)
        or _text(item, "reporter_name", conf.NAME_MAX_CHARS),
        "reporter_relation": _choice(item, "reporter_relation", ["", *ReporterRelation.values]),
        "reporter_contact": _text(item, "reporter_contact", conf.CONTACT_MAX_CHARS),
        "about_name": _text(item, "about_name", conf.NAME_MAX_CHARS),
        "description": _text(item, "description", conf.DESCRIPTION_MAX_CHARS, needed=True),
        "material_location": _text(item, "material_location", conf.DETAIL_MAX_CHARS),
        "seen_by": _text(item, "seen_by", conf.DETAIL_MAX_CHARS),
        "immediate_danger": item.get("immediate_danger") is True,
        "category": _choice(item, "category", FourCs.values, FourCs.NOT_SURE),
        "types": types,
        "occurred_on": _day(item.get("occurred_on")),
        "closed_at": _moment(item.get("closed_at"), "closed_at", optional=True),
    }
    _choice(item, "status", Status.values)
    _text(item, "reference", 16, needed=True)
    return _Checked(
        columns=columns,
        raised_at=_moment(item.get("raised_at"), "raised_at") or timezone.now(),
        entries=_checked_entries(item),
        steps=steps,
        documents=_checked_documents(item),
    )


def checked_file(content: object) -> list[_Checked]:
    """Every concern of a file, checked; ``FileRefused`` at the first value that is wrong."""
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise _refuse("it is not a Chaperon child protection file")
    concerns = content.get("concerns")
    if not isinstance(concerns, list):
        raise _refuse("it lists no concerns")
    return [_checked(item) for item in concerns]


def _steps_text(steps: list[dict[str, Any]]) -> str:
    lines = []
    for step in steps:
        state = f"done {step.get('done_at', '')[:10]}" if step.get("done_at") else "not done"
        lines.append(f"- {step.get('title', '')} ({step.get('owner', '')}; {state})")
    return "Steps at the sending school:\n" + "\n".join(lines) if lines else ""


def _write_one(
    checked: _Checked,
    original: dict[str, Any],
    *,
    actor: User,
    learner: Learner,
    sender: str,
    paths: list[str],
) -> Concern:
    organisation = learner.organisation
    now = timezone.now()
    closed = original["status"] == Status.CLOSED
    concern = Concern.objects.create(
        organisation=organisation,
        reference=_next_reference(organisation, now.astimezone(organisation.zone).year),
        kind=ConcernKind.CONCERN,
        learner=learner,
        status=Status.CLOSED if closed else Status.ACKNOWLEDGED,
        acknowledged_at=now,
        last_alerted_at=now,
        **{**checked.columns, "closed_at": checked.columns["closed_at"] if closed else None},
    )
    for entry in checked.entries:
        changes = "\n".join(entry["changes"])
        ConcernEntry.objects.create(
            concern=concern,
            at=entry["at"],
            author=None,
            author_label=f"{entry['author']} ({sender})"[:200],
            kind=entry["kind"],
            summary=entry["summary"],
            text="\n".join(part for part in (entry["text"], changes) if part),
            reason=entry["reason"],
            data={"transferred_from": sender, "original_reference": original["reference"]},
        )
    for document in checked.documents:
        path = default_storage.save(
            f"concerns/{organisation.pk}/{uuid.uuid4().hex}{document.suffix}",
            ContentFile(document.content),
        )
        paths.append(path)
        ConcernAttachment.objects.create(
            concern=concern,
            path=path,
            name=document.name,
            content_type=document.content_type,
            size=len(document.content),
        )
    raised = checked.raised_at.astimezone(organisation.zone)
    add_entry(
        concern,
        kind=EntryKind.NOTE,
        summary=f"Received by transfer from {sender} (their reference "
        f"{original['reference']}, raised {raised:%d %b %Y}); accepted by {actor.full_name}",
        author=actor,
        text=_steps_text(checked.steps),
        data={"transferred_from": sender, "original_reference": original["reference"]},
    )
    record(
        action=AuditAction.CONCERN_RECEIVED_BY_TRANSFER,
        actor=actor,
        obj=concern,
        data={"original_reference": original["reference"], "learner": learner.pk},
    )
    return concern


def concerns_receive_transferred(
    *, actor: User, learner: Learner, content: dict[str, Any], sender: str
) -> list[Concern]:
    """Write a transferred file onto ``learner``'s file in the actor's organisation. The
    caller must have checked the file came to this organisation; everything in it is checked
    here, and nothing is written unless all of it can be. Run inside the caller's transaction
    so that the transfer's own record and these commit together."""
    require_handler(actor)
    if learner.organisation_id != actor.organisation_id:
        raise NotFound("No such learner.")
    checked = checked_file(content)
    written: list[Concern] = []
    paths: list[str] = []
    try:
        with transaction.atomic():
            for item, original in zip(checked, content["concerns"], strict=True):
                written.append(
                    _write_one(
                        item, original, actor=actor, learner=learner, sender=sender, paths=paths
                    )
                )
    except BaseException:
        for path in paths:  # nothing half-written: the documents go with the rows
            default_storage.delete(path)
        raise
    return written
