"""Every read of file transfers, scoped to the viewer's organisation: the files it sent, the
files sent to it, and the packages it imported. Each read that names a learner is audited."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns.transfer_file import concern_count_on_file
from chaperon.core.exceptions import NotFound
from chaperon.core.pure.retention import Kind
from chaperon.people.models import Learner, Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.retention.selectors import kept_for

from .models import Method, PackageImport, Transfer
from .schooldays import receipt_due

PERMISSION = Permission.TRANSFER_CHILD_PROTECTION_FILES
SEARCH_MIN_CHARACTERS = 3
SEARCH_SHOWN = 10


def outgoing_for(viewer: User) -> QuerySet[Transfer]:
    """The files the viewer's organisation sent, newest first. The page that lists them
    records the reading (``list_opened``)."""
    require(viewer, PERMISSION)
    return (
        Transfer.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("learner", "receiving_organisation", "decided_by")
        .defer("content", "package")
    )


def incoming_for(viewer: User) -> QuerySet[Transfer]:
    """The files sent to the viewer's organisation on Chaperon, newest first."""
    require(viewer, PERMISSION)
    return (
        Transfer.objects.filter(
            receiving_organisation_id=viewer.organisation_id, method=Method.DIRECT
        )
        .select_related("organisation", "decided_by", "received_learner")
        .defer("content", "package")
    )


def imports_for(viewer: User) -> QuerySet[PackageImport]:
    require(viewer, PERMISSION)
    return PackageImport.objects.filter(organisation_id=viewer.organisation_id).select_related(
        "learner", "imported_by"
    )


def list_opened(viewer: User, *, which: str, shown: int) -> None:
    record(
        action=AuditAction.TRANSFER_LIST_VIEWED,
        actor=viewer,
        organisation_id=viewer.organisation_id,
        data={"list": which, "shown": shown},
    )


@dataclass(frozen=True)
class TransferView:
    transfer: Transfer
    outgoing: bool  # the viewer's organisation sent it
    content: dict[str, Any] | None  # the file as sent, for the receiving DSL to review
    candidates: list[Learner]  # learners here it may be about (same date of birth)
    receipt_due_at: Any
    kept: str  # how long the sender keeps its own copy


def _candidates(viewer: User, content: dict[str, Any] | None) -> list[Learner]:
    about = (content or {}).get("learner") or {}
    born = about.get("date_of_birth") if isinstance(about, dict) else None
    if not born:
        return []
    return list(
        Learner.objects.filter(organisation_id=viewer.organisation_id, date_of_birth=born)[:20]
    )


def transfer_for(viewer: User, transfer_id: int) -> TransferView:
    """One transfer, for its sender or its receiver (anyone else: not found). The receiving
    side sees the file itself while it waits. Audited."""
    require(viewer, PERMISSION)
    mine = Q(organisation_id=viewer.organisation_id)
    to_me = Q(receiving_organisation_id=viewer.organisation_id, method=Method.DIRECT)
    transfer = (
        Transfer.objects.filter(mine | to_me, pk=transfer_id)
        .select_related("organisation", "learner", "sent_by", "decided_by", "received_learner")
        .defer("package")
        .first()
    )
    if transfer is None:
        raise NotFound("No such transfer.")
    outgoing = transfer.organisation_id == viewer.organisation_id
    content = transfer.content if not outgoing and transfer.awaiting else None
    record(
        action=AuditAction.TRANSFER_VIEWED,
        actor=viewer,
        organisation_id=viewer.organisation_id,
        data={"transfer": transfer.pk, "file_shown": content is not None},
    )
    return TransferView(
        transfer=transfer,
        outgoing=outgoing,
        content=content,
        candidates=_candidates(viewer, content),
        receipt_due_at=receipt_due(transfer.organisation, transfer.sent_at),
        kept=kept_for(transfer.organisation, Kind.CONCERN_FILE.value) if outgoing else "",
    )


def package_for(viewer: User, transfer_id: int) -> tuple[Transfer, bytes]:
    """The encrypted package of a file the viewer's organisation sent. Audited."""
    require(viewer, PERMISSION)
    transfer = Transfer.objects.filter(
        pk=transfer_id, organisation_id=viewer.organisation_id, method=Method.PACKAGE
    ).first()
    if transfer is None or not transfer.package:
        raise NotFound("No such package.")
    record(
        action=AuditAction.TRANSFER_PACKAGE_DOWNLOADED,
        actor=viewer,
        obj=transfer,
        data={"transfer": transfer.pk},
    )
    return transfer, bytes(transfer.package)


@dataclass(frozen=True)
class SendFacts:
    learner: Learner
    concern_count: int
    kept: str


def send_page_for(viewer: User, learner_id: int) -> SendFacts:
    """What the send page shows: the learner and how many concerns their file holds (a count;
    the file itself is read, and audited, when it is sent). Reading the learner is audited."""
    require(viewer, PERMISSION)
    learner = Learner.objects.filter(pk=learner_id, organisation_id=viewer.organisation_id).first()
    if learner is None:
        raise NotFound("No such learner.")
    record(action=AuditAction.LEARNER_VIEWED, actor=viewer, obj=learner)
    return SendFacts(
        learner=learner,
        concern_count=concern_count_on_file(learner),
        kept=kept_for(learner.organisation, Kind.CONCERN_FILE.value),
    )


def search_problem(search: str) -> str | None:
    if len(search.strip()) < SEARCH_MIN_CHARACTERS:
        return f"type at least {SEARCH_MIN_CHARACTERS} letters of the school's name or postcode"
    return None


def schools_matching(viewer: User, search: str) -> list[Organisation]:
    """Other organisations on Chaperon whose name or postcode holds ``search``: the first few,
    never the whole list."""
    require(viewer, PERMISSION)
    if search_problem(search):
        return []
    term = search.strip()
    return list(
        Organisation.objects.filter(Q(name__icontains=term) | Q(postcode__icontains=term))
        .exclude(pk=viewer.organisation_id)
        .order_by("name", "id")[:SEARCH_SHOWN]
    )
