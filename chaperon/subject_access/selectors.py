"""Reads of subject access requests (ORG-7), each for a viewer who may handle them, each
audited: the list names the people asked about, a request shows what is held about one."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound
from chaperon.people.models import User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission

from .export import Decided, export_data
from .models import RequestStatus, SubjectAccessRequest
from .permissions import access_request


@dataclass(frozen=True)
class Deadline:
    """How the one-month time limit stands on ``today``."""

    due_on: date
    days_left: int
    released: bool

    @property
    def overdue(self) -> bool:
        return not self.released and self.days_left < 0

    @property
    def words(self) -> str:
        if self.released:
            return "Released"
        if self.days_left < 0:
            days = -self.days_left
            return f"Overdue by {days} day{'s' if days != 1 else ''}"
        if self.days_left == 0:
            return "Due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def deadline_of(request: SubjectAccessRequest, today: date) -> Deadline:
    return Deadline(
        due_on=request.due_on,
        days_left=(request.due_on - today).days,
        released=request.status == RequestStatus.RELEASED,
    )


def requests_listed(viewer: User) -> QuerySet[SubjectAccessRequest]:
    """The organisation's requests, open ones first by due date, then those released."""
    require(viewer, Permission.HANDLE_SUBJECT_ACCESS)
    return (
        SubjectAccessRequest.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("learner", "guardian", "staff__user")
        .defer("archive", "gathered", "decisions")
        .order_by("released_at", "due_on", "id")
    )


def requests_list_opened(viewer: User, *, page: int) -> None:
    """Audit a reading of the list (it names the people asked about)."""
    record(
        action=AuditAction.SUBJECT_ACCESS_LIST_VIEWED,
        actor=viewer,
        organisation_id=viewer.organisation_id,
        data={"page": page},
    )


def request_for(viewer: User, request_id: int) -> SubjectAccessRequest:
    """One request, its reading audited."""
    request = access_request(viewer, request_id)
    record(
        action=AuditAction.SUBJECT_ACCESS_VIEWED,
        actor=viewer,
        obj=request,
        data={"request": request.pk},
    )
    return request


def released_export_for(viewer: User, request_id: int) -> tuple[SubjectAccessRequest, bytes]:
    """The export as released, again, its download audited. None before release."""
    request = access_request(viewer, request_id)
    if request.status != RequestStatus.RELEASED or request.archive is None:
        raise NotFound("This request has not been released yet.")
    record(
        action=AuditAction.SUBJECT_ACCESS_DOWNLOADED,
        actor=viewer,
        obj=request,
        data={"request": request.pk, "sha256": request.archive_sha256},
    )
    return request, bytes(request.archive)


def preview_of(request: SubjectAccessRequest) -> list[dict[str, Any]]:
    """The export's sections as they would be released with the decisions made so far (those
    withheld already replaced), for the DSL to read the free text before releasing."""
    if not request.gathered:
        return []
    decided = [
        Decided(
            name=party.name,
            aliases=tuple(party.aliases),
            decision=party.decision,
            exemption=party.exemption,
        )
        for party in request.third_parties.all()
    ]
    data = export_data(
        gathered=request.gathered,
        decided=decided,
        organisation=request.organisation.name,
        received_on=request.received_on,
        due_on=request.due_on,
        released_on=request.organisation.today(),
    )
    return list(data["sections"])
