"""Every read of concerns, scoped to the viewer. Each read of a case is audited."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound
from chaperon.people.models import GuardianRelationship, Learner, User
from chaperon.people.roles import Permission, Role, roles_with
from chaperon.people.selectors import staff_with_roles

from .listing import tasks_of
from .models import (
    CaseAccess,
    Concern,
    ConcernAttachment,
    ConcernEntry,
    ConcernKind,
    ConcernLink,
    ConcernStep,
    ConcernType,
    EntryKind,
    FourCs,
    StaffSuspension,
    Status,
)
from .permissions import (
    access_concern,
    handles_concerns,
    leads_case,
    may_grant_access,
    may_open,
    may_raise_concerns,
    visible_concerns,
)
from .services.handling import RESPONSES


@dataclass(frozen=True)
class ShownEntry:
    """An entry of the record, with what it changed in words (names, never ids)."""

    entry: ConcernEntry
    changes: list[str]


# Entries whose data holds {field: {"from": ..., "to": ...}}.
_CHANGE_KINDS = {EntryKind.CHANGED, EntryKind.RECLASSIFIED, EntryKind.ASSIGNED}
_FIELD_WORDS = {
    "category": "Category",
    "types": "Types",
    "occurred_on": "Date it happened",
    "learner_id": "Learner",
    "kind": "Kind",
    "subject_staff_id": "Member of staff it is about",
    "owner_id": "Who does it",
    "due_at": "Due",
}


def _names(entries: list[ConcernEntry]) -> dict[str, dict[object, str]]:
    """Names of the learners and staff the change entries refer to, each looked up once."""
    learners: set[int] = set()
    users: set[int] = set()
    for entry in entries:
        if entry.kind not in _CHANGE_KINDS:
            continue
        for field, values in entry.data.items():
            if isinstance(values, dict) and field in ("learner_id", "subject_staff_id", "owner_id"):
                wanted = learners if field == "learner_id" else users
                wanted |= {value for value in values.values() if isinstance(value, int)}
    return {
        "learner_id": {
            learner.pk: learner.full_name for learner in Learner.objects.filter(pk__in=learners)
        },
        "user": {user.pk: user.full_name for user in User.objects.filter(pk__in=users)},
    }


def _word(field: str, value: object, names: dict[str, dict[object, str]], zone: Any) -> str:
    if value in (None, "", []):
        return "none"
    if field == "learner_id":
        return names["learner_id"].get(value, "a learner no longer listed")
    if field in ("subject_staff_id", "owner_id"):
        return names["user"].get(value, "someone no longer listed")
    if field == "category":
        return str(FourCs(value).label) if value in FourCs.values else str(value)
    if field == "kind":
        return str(ConcernKind(value).label) if value in ConcernKind.values else str(value)
    if field == "types" and isinstance(value, list):
        return ", ".join(
            str(ConcernType(item).label) if item in ConcernType.values else str(item)
            for item in value
        )
    if field == "due_at" and isinstance(value, str):
        return f"{datetime.fromisoformat(value).astimezone(zone):%d %b %Y %H:%M}"
    if field == "occurred_on" and isinstance(value, str):
        return f"{date.fromisoformat(value):%d %b %Y}"
    return str(value)


def shown_entries(concern: Concern, entries: list[ConcernEntry]) -> list[ShownEntry]:
    names = _names(entries)
    zone = concern.organisation.zone
    shown = []
    for entry in entries:
        changes = []
        if entry.kind == EntryKind.CLOSED:
            changes = [
                f"{RESPONSES.get(key, key)}: {value}"
                for key, value in entry.data.get("responses", {}).items()
            ]
        if entry.kind in _CHANGE_KINDS:
            for field, values in entry.data.items():
                if isinstance(values, dict) and field in _FIELD_WORDS:
                    before = _word(field, values.get("from"), names, zone)
                    after = _word(field, values.get("to"), names, zone)
                    changes.append(f"{_FIELD_WORDS[field]}: {before} → {after}")
        shown.append(ShownEntry(entry, changes))
    return shown


@dataclass(frozen=True)
class Case:
    concern: Concern
    entries: list[ShownEntry]
    steps: list[ConcernStep]
    attachments: list[ConcernAttachment]
    handlers: list[CaseAccess]
    may_grant: bool
    staff: list[User]  # who may be named as a step owner or handler
    learners: QuerySet[Learner]
    may_lead: bool  # re-classify, suspend, link to other learners
    # The learner's chronology is for the DSL and deputies, not everyone named on a case.
    may_read_chronology: bool
    assignees: list[User]  # who may be given a step or a task: those who may open the case
    suspensions: list[StaffSuspension]
    links: list[ConcernLink]

    @property
    def standing_suspension(self) -> StaffSuspension | None:
        return next((item for item in self.suspensions if item.standing), None)

    @property
    def standing_links(self) -> list[ConcernLink]:
        return [link for link in self.links if link.ended_at is None]

    @property
    def open_steps(self) -> list[ConcernStep]:
        return [step for step in self.steps if step.done_at is None]

    @property
    def referrals(self) -> list[ConcernEntry]:
        return [item.entry for item in self.entries if item.entry.kind == EntryKind.REFERRAL]


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


def case_assignees(concern: Concern) -> list[User]:
    """Who may be given a step or task of the case: those who may open it (the DSL and
    deputies; for an allegation, those who handle it), never its subject."""
    openers = (
        roles_with(Permission.HANDLE_CONCERNS)
        | roles_with(Permission.LEAD_SAFEGUARDING)
        | roles_with(Permission.HANDLE_ALLEGATIONS_ABOUT_LEADS)
    )
    candidates = staff_with_roles(concern.organisation_id, sorted(openers))
    named = [access.user for access in CaseAccess.objects.filter(concern=concern)]
    unique = {user.pk: user for user in [*candidates, *named] if user.is_active}
    return sorted(
        (user for user in unique.values() if may_open(user, concern)),
        key=lambda user: (user.full_name, user.pk),
    )


def family_of(learner: Learner) -> set[int]:
    """Learners who share a parent or carer with ``learner`` (brothers and sisters, mostly)."""
    guardians = GuardianRelationship.objects.filter(learner=learner).values("guardian_id")
    return set(
        GuardianRelationship.objects.filter(guardian_id__in=guardians)
        .exclude(learner=learner)
        .values_list("learner_id", flat=True)
    )


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
        entries=shown_entries(concern, list(concern.entries.select_related("author"))),
        steps=list(concern.steps.select_related("owner", "done_by")),
        attachments=list(concern.attachments.all()),
        handlers=list(CaseAccess.objects.filter(concern=concern).select_related("user")),
        may_grant=may_grant_access(viewer, concern),
        staff=staff,
        learners=Learner.objects.filter(organisation_id=concern.organisation_id),
        may_lead=leads_case(viewer, concern),
        may_read_chronology=handles_concerns(viewer),
        assignees=case_assignees(concern),
        suspensions=list(concern.suspensions.select_related("user", "suspended_by")),
        links=list(concern.links.select_related("learner", "linked_by")),
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


# The oldest concerns waiting to be acknowledged that the dashboard names; the rest are counted.
DASHBOARD_WAITING_SHOWN = 10
OPEN_STATUSES = [status for status in Status if status != Status.CLOSED]


def dashboard_for(viewer: User) -> dict[str, Any] | None:
    """The dashboard panel: for the DSL and deputies, what waits; for anyone who raised a
    concern, where theirs stand; for every member of staff, the way to raise one."""
    if not may_raise_concerns(viewer):
        return None
    context: dict[str, Any] = {
        "raised": concerns_raised_by(viewer, limit=5),
        "my_tasks": tasks_of(viewer),
    }
    if handles_any(viewer):
        # The statuses named rather than "not closed": the (organisation, status) index finds
        # the open cases without reading every closed one.
        open_cases = visible_concerns(viewer).filter(status__in=OPEN_STATUSES)
        waiting = open_cases.filter(status=Status.RAISED).order_by("created_at", "id")
        context["waiting"] = list(waiting[:DASHBOARD_WAITING_SHOWN])
        context["overdue_steps"] = list(
            ConcernStep.objects.filter(
                concern__in=open_cases, done_at__isnull=True, due_at__lt=timezone.now()
            ).select_related("concern", "owner")[:10]
        )
        counts = open_cases.aggregate(
            open=Count("pk"), waiting=Count("pk", filter=Q(status=Status.RAISED))
        )
        context["open_count"] = counts["open"]
        context["waiting_count"] = counts["waiting"]
        context["handles"] = True
    return context


def allegations_hidden_from(viewer: User) -> list[int]:
    """The organisation's allegations about staff (INC-10) that ``viewer`` may not open: pages
    that list things about cases (the Email page) leave these out, so that nobody learns such a
    case exists."""
    return list(
        Concern.objects.filter(organisation_id=viewer.organisation_id, kind=ConcernKind.ALLEGATION)
        .exclude(pk__in=visible_concerns(viewer).filter(kind=ConcernKind.ALLEGATION).values("pk"))
        .values_list("pk", flat=True)
    )


def open_concern_counts_by_organisation(
    organisation_ids: list[int],
) -> dict[int, dict[tuple[str, str], int]]:
    """For each organisation, how many concerns (and allegations) are open, by (status,
    category). Counts only: no reference, name or date leaves here, so no read is audited.
    One query, for organisations the caller has already found the viewer may see (a trust's
    figures)."""
    rows = (
        Concern.objects.filter(organisation_id__in=organisation_ids)
        .exclude(status=Status.CLOSED)
        .values("organisation_id", "status", "category")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for row in rows:
        counts.setdefault(row["organisation_id"], {})[(row["status"], row["category"])] = row[
            "count"
        ]
    return counts


# For the retention schedule (LOG-2): query sets a higher app may filter by, ``learner`` and
# ``user`` being a record or an ``OuterRef`` to one.


def concerns_on_file_of(learner: Any) -> QuerySet[Concern]:
    """The concerns on a learner's child protection file."""
    return Concern.objects.filter(learner=learner, kind=ConcernKind.CONCERN)


def open_concerns_about(learner: Any) -> QuerySet[Concern]:
    """A learner's open cases: while one is open, nothing about them is destroyed."""
    return Concern.objects.filter(learner=learner, status__in=OPEN_STATUSES)


@dataclass(frozen=True)
class ClosedAllegation:
    """What the retention schedule reads of a closed allegation about a member of staff:
    when it was made, its outcome and when it was closed (LOG-2). Nothing of what it said."""

    subject_user_id: int
    alleged_on: date
    outcome: str
    closed_on: date | None


def closed_allegations_in(organisation_id: int) -> list[ClosedAllegation]:
    """Every closed allegation about a member of staff of the organisation, oldest first."""
    rows = (
        Concern.objects.filter(
            organisation_id=organisation_id,
            kind=ConcernKind.ALLEGATION,
            subject_staff__isnull=False,
            status=Status.CLOSED,
        )
        .order_by("created_at", "pk")
        .values_list("subject_staff_id", "created_at", "allegation_outcome", "closed_at")
    )
    return [
        ClosedAllegation(
            subject_user_id=user_id,
            alleged_on=timezone.localdate(raised),
            outcome=outcome,
            closed_on=timezone.localdate(closed) if closed else None,
        )
        for user_id, raised, outcome, closed in rows
    ]


def open_allegations_about(user: Any) -> QuerySet[Concern]:
    """Open allegations about a member of staff: while one is open, nothing about them is
    destroyed."""
    return Concern.objects.filter(
        kind=ConcernKind.ALLEGATION, subject_staff=user, status__in=OPEN_STATUSES
    )


@dataclass(frozen=True)
class ConcernFigures:
    """What the board reads of the concerns raised in a period: counts only (ORG-6)."""

    raised: int
    allegations: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    referrals: int
    acknowledged: int
    acknowledge_hours: float | None  # the mean time from raised to acknowledged


def concern_figures(organisation_id: int, *, since: datetime, until: datetime) -> ConcernFigures:
    """Concerns (and allegations) raised in [since, until) by category and by where they stand
    now, referrals made in the period and the mean time to acknowledge those raised in it.
    Counts only, in three aggregate queries: no reference, name or text leaves here."""
    raised = Concern.objects.filter(
        organisation_id=organisation_id, created_at__gte=since, created_at__lt=until
    )
    by_category: dict[str, int] = {}
    by_status: dict[str, int] = {}
    allegations = 0
    for row in raised.values("kind", "category", "status").annotate(count=Count("pk")).order_by():
        if row["kind"] == ConcernKind.ALLEGATION:
            allegations += row["count"]
        by_category[row["category"]] = by_category.get(row["category"], 0) + row["count"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["count"]
    waited = raised.filter(acknowledged_at__isnull=False).aggregate(
        count=Count("pk"),
        mean=Avg(
            ExpressionWrapper(F("acknowledged_at") - F("created_at"), output_field=DurationField())
        ),
    )
    referrals = ConcernEntry.objects.filter(
        concern__organisation_id=organisation_id,
        kind=EntryKind.REFERRAL,
        at__gte=since,
        at__lt=until,
    ).count()
    mean = waited["mean"]
    return ConcernFigures(
        raised=sum(by_category.values()),
        allegations=allegations,
        by_category=by_category,
        by_status=by_status,
        referrals=referrals,
        acknowledged=waited["count"],
        acknowledge_hours=round(mean.total_seconds() / 3600, 1) if mean is not None else None,
    )


def overdue_steps_by_owner(organisation_id: int, *, now: datetime) -> list[tuple[str, int]]:
    """Steps of concerns (not of allegations) past their due time and not done, counted by the
    member of staff who owns them, most first: names of staff, never of a case."""
    rows = (
        ConcernStep.objects.filter(
            concern__organisation_id=organisation_id,
            concern__kind=ConcernKind.CONCERN,
            done_at__isnull=True,
            due_at__lt=now,
        )
        .exclude(concern__status=Status.CLOSED)
        .values("owner__full_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner__full_name")
    )
    return [(row["owner__full_name"], row["count"]) for row in rows]


# For subject access (ORG-7): the concerns a person is the subject of, read by a service that
# has already checked the DSL's permission and the person's organisation.


def concerns_with_subject(
    *, learner_id: int | None = None, user_id: int | None = None
) -> list[Concern]:
    """The concerns about a learner (or allegations about a member of staff), oldest first,
    with their chronology entries."""
    who = Q(learner_id=learner_id) if learner_id is not None else Q(subject_staff_id=user_id)
    return list(
        Concern.objects.filter(who)
        .select_related("raised_by", "learner")
        .prefetch_related("entries")
        .order_by("created_at", "id")
    )
