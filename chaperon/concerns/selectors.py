"""Every read of concerns, scoped to the viewer. Each read of a case is audited."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound
from chaperon.people.models import Learner, User
from chaperon.people.roles import Role
from chaperon.people.selectors import staff_with_roles

from .models import (
    CaseAccess,
    Concern,
    ConcernAttachment,
    ConcernEntry,
    ConcernStep,
    EntryKind,
    Status,
)
from .permissions import (
    access_concern,
    handles_concerns,
    is_staff,
    may_grant_access,
    visible_concerns,
)


def concern_list_visible_to(viewer: User, *, show: str = "open") -> list[Concern]:
    """The cases the viewer handles: open ones (default), or ``show="closed"`` / ``"all"``."""
    concerns = visible_concerns(viewer).select_related("learner", "raised_by")
    if show == "open":
        concerns = concerns.exclude(status=Status.CLOSED)
    elif show == "closed":
        concerns = concerns.filter(status=Status.CLOSED)
    found = list(concerns.order_by("-created_at", "-id"))
    record(
        action=AuditAction.CONCERN_LIST_VIEWED,
        actor=viewer,
        data={"show": show, "count": len(found)},
    )
    return found


@dataclass(frozen=True)
class Case:
    concern: Concern
    entries: list[ConcernEntry]
    steps: list[ConcernStep]
    attachments: list[ConcernAttachment]
    handlers: list[CaseAccess]
    may_grant: bool
    staff: list[User]  # who may be named as a step owner or handler
    learners: QuerySet[Learner]

    @property
    def open_steps(self) -> list[ConcernStep]:
        return [step for step in self.steps if step.done_at is None]

    @property
    def referrals(self) -> list[ConcernEntry]:
        return [entry for entry in self.entries if entry.kind == EntryKind.REFERRAL]


def concern_reference_exists(organisation_id: int, reference: str) -> bool:
    """Whether the organisation has a concern with this reference (to name it as the case a
    recording is held for). Says nothing more about it."""
    return Concern.objects.filter(organisation_id=organisation_id, reference=reference).exists()


def case_staff(concern: Concern) -> list[User]:
    """Staff who may own a step of the case or be named to handle it: never its subject."""
    return [
        user
        for user in staff_with_roles(concern.organisation_id, [role.value for role in Role])
        if user.pk != concern.subject_staff_id
    ]


def handles_any(viewer: User) -> bool:
    """A DSL or deputy, or someone named to handle a restricted case."""
    return handles_concerns(viewer) or (
        viewer.is_active and CaseAccess.objects.filter(user=viewer).exists()
    )


def case_for(viewer: User, concern_id: int) -> Case:
    """One case with its entries, steps and documents. Reading it is audited."""
    concern = access_concern(viewer, concern_id)
    staff = case_staff(concern)
    case = Case(
        concern=concern,
        entries=list(concern.entries.select_related("author")),
        steps=list(concern.steps.select_related("owner", "done_by")),
        attachments=list(concern.attachments.all()),
        handlers=list(CaseAccess.objects.filter(concern=concern).select_related("user")),
        may_grant=may_grant_access(viewer, concern),
        staff=staff,
        learners=Learner.objects.filter(organisation_id=concern.organisation_id),
    )
    record(action=AuditAction.CONCERN_VIEWED, actor=viewer, obj=concern)
    return case


def attachment_for(viewer: User, concern_id: int, attachment_id: int) -> ConcernAttachment:
    concern = access_concern(viewer, concern_id)
    found = ConcernAttachment.objects.filter(pk=attachment_id, concern=concern).first()
    if found is None:
        raise NotFound("No such document.")
    record(
        action=AuditAction.CONCERN_ATTACHMENT_OPENED,
        actor=viewer,
        obj=concern,
        data={"attachment": found.pk},
    )
    return found


@dataclass(frozen=True)
class Raised:
    """What the person who raised a concern sees of it: that it arrived, and when it closed."""

    reference: str
    raised_at: Any
    closed_at: Any

    @property
    def state(self) -> str:
        return "Closed" if self.closed_at else "Received by the safeguarding team"


def concerns_raised_by(viewer: User, *, limit: int | None = None) -> list[Raised]:
    """The concerns ``viewer`` raised, newest first (the latest ``limit`` of them)."""
    rows = Concern.objects.filter(raised_by=viewer, organisation_id=viewer.organisation_id)
    latest = rows.order_by("-created_at").values_list("reference", "created_at", "closed_at")
    return [Raised(*row) for row in latest[:limit]]


def dashboard_for(viewer: User) -> dict[str, Any] | None:
    """The dashboard panel: for the DSL and deputies, what waits; for anyone who raised a
    concern, where theirs stand; for every member of staff, the way to raise one."""
    if not is_staff(viewer):
        return None
    context: dict[str, Any] = {"raised": concerns_raised_by(viewer, limit=5)}
    if handles_any(viewer):
        open_cases = visible_concerns(viewer).exclude(status=Status.CLOSED)
        context["waiting"] = list(open_cases.filter(status=Status.RAISED).order_by("created_at"))
        context["overdue_steps"] = list(
            ConcernStep.objects.filter(
                concern__in=open_cases, done_at__isnull=True, due_at__lt=timezone.now()
            ).select_related("concern")[:10]
        )
        context["open_count"] = open_cases.count()
        context["handles"] = True
    return context
