"""Destroying a learner's child protection file at the end of its retention period (LOG-2): the
one delete the database allows of concerns (migration 0007), and only for the file named by
the permit given here, inside the caller's transaction. The retention app decides when, asks
the DSL, checks holds and open cases and certifies it in the audit log; this says what the file
was (its digest) and removes it: the learner's concerns, with their entries, steps, documents
(and their files, once the transaction commits), access grants, links to other learners'
chronologies and spooled reports. The learner's own record stays.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from chaperon.core.exceptions import ValidationFailed
from chaperon.people.models import Learner
from chaperon.recordings.models import LegalHold

from ..models import (
    CaseAccess,
    Concern,
    ConcernAttachment,
    ConcernEntry,
    ConcernKind,
    ConcernLink,
    ConcernStep,
    SpooledReport,
    StaffSuspension,
)

PERMIT_SETTING = "chaperon.destruction"


@dataclass(frozen=True)
class ErasedFile:
    """What the file was, for its certificate: none of its content."""

    concerns: int
    records: int  # the concerns and every row that went with them
    documents: int
    content_sha256: str
    references: list[str]
    first_raised: datetime | None
    last_raised: datetime | None
    last_closed: datetime | None


@contextmanager
def file_destruction_permit(learner_id: int) -> Iterator[None]:
    """Let the database delete the rows of this learner's file, inside the caller's transaction
    and only until the block ends. The permit is given in a savepoint: if the block fails, the
    savepoint's rollback takes the permit back with whatever the block did."""
    if not connection.in_atomic_block:
        raise RuntimeError("a child protection file is destroyed inside a transaction")
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [PERMIT_SETTING, f"concern_file:{learner_id}"]
            )
        else:
            cursor.execute(
                "INSERT INTO concerns_destruction_permit (learner_id) VALUES (%s)", [learner_id]
            )
        yield
        if postgresql:
            cursor.execute("SELECT set_config(%s, '', true)", [PERMIT_SETTING])
        else:
            cursor.execute(
                "DELETE FROM concerns_destruction_permit WHERE learner_id = %s", [learner_id]
            )


def _rows(model: type[models.Model], concern_ids: list[int]) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in model._default_manager.filter(concern_id__in=concern_ids).order_by("pk").values()
    ]


def _delete(model: type[models.Model], column: str, ids: list[int]) -> int:
    if not ids:
        return 0
    marks = ", ".join(["%s"] * len(ids))
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" IN ({marks})', ids)  # noqa: S608
        return int(cursor.rowcount)


def concern_file_blocker(learner: Learner) -> str | None:
    """Why the file cannot be destroyed beyond holds and open cases, or None: a recording held
    as evidence for one of its concerns keeps it until the DSL releases that hold."""
    references = list(
        Concern.objects.filter(learner=learner, kind=ConcernKind.CONCERN).values_list(
            "reference", flat=True
        )
    )
    held = (
        LegalHold.objects.filter(
            organisation_id=learner.organisation_id,
            case_reference__in=references,
            released_at__isnull=True,
        )
        .values_list("case_reference", flat=True)
        .distinct()
    )
    found = sorted(held)
    if found:
        return (
            f"recordings are held as evidence for {', '.join(found)}: release those holds on "
            "each recording's page first"
        )
    return None


def concern_file_erase(*, learner: Learner) -> ErasedFile:
    """Delete ``learner``'s child protection file (``concerns_on_file_of``) and everything of
    its concerns; returns what it was. The caller holds the transaction and has checked the
    schedule, holds, open cases and ``concern_file_blocker``, and certifies it."""
    concerns: list[dict[str, Any]] = [
        dict(row)
        for row in Concern.objects.select_for_update()
        .filter(learner=learner, kind=ConcernKind.CONCERN)
        .order_by("pk")
        .values()
    ]
    if not concerns:
        raise ValidationFailed({"confirm": "there is no child protection file to destroy"})
    ids = [row["id"] for row in concerns]
    parts: dict[str, list[dict[str, Any]]] = {"concerns": concerns}
    for name, model in (
        ("entries", ConcernEntry),
        ("steps", ConcernStep),
        ("documents", ConcernAttachment),
        ("access", CaseAccess),
        ("links", ConcernLink),
        ("suspensions", StaffSuspension),
        ("spooled", SpooledReport),
    ):
        parts[name] = _rows(model, ids)
    files = [row["path"] for row in parts["documents"]]
    for row in parts["documents"]:
        try:
            with default_storage.open(row["path"], "rb") as stored:
                row["sha256"] = hashlib.sha256(stored.read()).hexdigest()
        except FileNotFoundError:
            row["sha256"] = None  # already gone from storage: its row still goes
    digest = hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    with file_destruction_permit(learner.pk):
        for model in (ConcernEntry, ConcernStep, ConcernAttachment, CaseAccess):
            _delete(model, "concern_id", ids)
        ConcernLink.objects.filter(concern_id__in=ids).delete()
        StaffSuspension.objects.filter(concern_id__in=ids).delete()
        SpooledReport.objects.filter(concern_id__in=ids).delete()
        _delete(Concern, "id", ids)
    transaction.on_commit(lambda: _delete_files(files))
    raised = [row["created_at"] for row in concerns]
    closed = [row["closed_at"] for row in concerns if row["closed_at"] is not None]
    return ErasedFile(
        concerns=len(concerns),
        records=sum(len(rows) for rows in parts.values()),
        documents=len(files),
        content_sha256=digest,
        references=[row["reference"] for row in concerns],
        first_raised=min(raised),
        last_raised=max(raised),
        last_closed=max(closed) if closed else None,
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
