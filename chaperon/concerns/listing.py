"""Finding and following cases: the concerns list searched and filtered in the database, a page
of 50 at a time, its export as CSV, and the steps and tasks still to do. Every read starts from
the cases the viewer may open (``permissions.visible_concerns``), so another organisation's
cases, and allegations the viewer may not see, are never counted, listed or exported. Each
read is audited with the filters used."""

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.pagination import PER_PAGE, page_of
from chaperon.people.models import Learner, User

from .models import Concern, ConcernEntry, ConcernStep, Status
from .permissions import visible_concerns

MAX_WORDS = 8  # a search is a few words; more only costs the database
SHOWS = ("open", "closed", "all")


@dataclass(frozen=True)
class ConcernFilters:
    q: str = ""
    show: str = "open"  # open, closed or all
    status: str = ""  # one status, within ``show``
    category: str = ""
    raised_from: date | None = None
    raised_to: date | None = None
    mine: bool = False  # with a step or task of the viewer's still to do
    awaiting: bool = False  # not yet acknowledged or triaged, or with a step overdue
    learner: int | None = None  # about this learner (by id)

    def audited(self) -> dict[str, Any]:
        values = asdict(self)
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in values.items()
            if value not in ("", None, False)
        }


def _local_midnight(day: date, viewer: User) -> datetime:
    return datetime.combine(day, time.min, tzinfo=viewer.organisation.zone)


def _open_steps() -> QuerySet[ConcernStep]:
    return ConcernStep.objects.filter(concern=OuterRef("pk"), done_at__isnull=True)


def _matching(words: list[str]) -> Q:
    """Each word somewhere: the reference, the learner's name or the name reported, what was
    reported, or what was written on the case since."""
    found = Q()
    for word in words:
        entries = ConcernEntry.objects.filter(
            Q(text__icontains=word) | Q(summary__icontains=word)
        ).values("concern_id")
        found &= (
            Q(reference__icontains=word)
            | Q(learner__first_name__icontains=word)
            | Q(learner__last_name__icontains=word)
            | Q(about_name__icontains=word)
            | Q(description__icontains=word)
            | Q(pk__in=entries)
        )
    return found


def concerns_found(viewer: User, filters: ConcernFilters) -> QuerySet[Concern]:
    """The cases the viewer may open that match ``filters``, newest first."""
    concerns = visible_concerns(viewer)
    if filters.show == "open":
        concerns = concerns.exclude(status=Status.CLOSED)
    elif filters.show == "closed":
        concerns = concerns.filter(status=Status.CLOSED)
    if filters.status:
        concerns = concerns.filter(status=filters.status)
    if filters.category:
        concerns = concerns.filter(category=filters.category)
    if filters.learner is not None:
        concerns = concerns.filter(learner_id=filters.learner)
    if filters.raised_from:
        concerns = concerns.filter(created_at__gte=_local_midnight(filters.raised_from, viewer))
    if filters.raised_to:
        day_after = filters.raised_to + timedelta(days=1)
        concerns = concerns.filter(created_at__lt=_local_midnight(day_after, viewer))
    if words := filters.q.split()[:MAX_WORDS]:
        concerns = concerns.filter(_matching(words))
    if filters.mine:
        concerns = concerns.filter(Exists(_open_steps().filter(owner=viewer)))
    if filters.awaiting:
        overdue = _open_steps().filter(due_at__lt=timezone.now())
        concerns = concerns.exclude(status=Status.CLOSED).filter(
            Q(status__in=[Status.RAISED, Status.ACKNOWLEDGED]) | Exists(overdue)
        )
    return concerns.order_by("-created_at", "-id")


def learner_filtered_on(viewer: User, value: str | None) -> Learner | None:
    """The learner of the viewer's organisation that the list's ``learner`` filter names, or
    None (no such learner here, or not an id): the filter is then not applied."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return Learner.objects.filter(pk=int(value), organisation_id=viewer.organisation_id).first()


def concern_page_for(viewer: User, filters: ConcernFilters, page: int | str | None) -> Page[Any]:
    """One page of the matching cases (``PER_PAGE`` a page, counted by the database); a page
    number out of range gives the last page."""
    found = concerns_found(viewer, filters).select_related("learner", "raised_by", "subject_staff")
    shown = page_of(found, number=page, per_page=PER_PAGE).page
    record(
        action=AuditAction.CONCERN_LIST_VIEWED,
        actor=viewer,
        data={
            "filters": filters.audited(),
            "count": shown.paginator.count,
            "page": shown.number,
        },
    )
    return shown


EXPORT_COLUMNS = [
    "Reference",
    "Raised",
    "How",
    "Kind",
    "State",
    "About",
    "Category",
    "Types",
    "Happened",
    "Immediate danger reported",
    "Steps open",
    "Steps overdue",
    "Closed",
]


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _about(concern: Concern) -> str:
    if concern.restricted:
        return f"Allegation about staff: {concern.subject_staff_label or 'not named'}"
    if concern.learner is not None:
        return str(concern.learner.full_name)
    return concern.about_name or "Not known"


def _row(concern: Any, zone: Any) -> list[str]:
    return [
        _cell(value)
        for value in (
            concern.reference,
            f"{concern.created_at.astimezone(zone):%Y-%m-%d %H:%M}",
            concern.get_source_display(),
            concern.get_kind_display(),
            concern.get_status_display(),
            _about(concern),
            concern.get_category_display(),
            "; ".join(concern.type_labels),
            concern.occurred_on.isoformat() if concern.occurred_on else "",
            "yes" if concern.immediate_danger else "no",
            concern.steps_open,
            concern.steps_overdue,
            f"{concern.closed_at.astimezone(zone):%Y-%m-%d %H:%M}" if concern.closed_at else "",
        )
    ]


def concern_export_for(viewer: User, filters: ConcernFilters) -> str:
    """The matching cases as CSV text: only those the viewer may open (the DSL and deputies;
    for a restricted case, those who handle it). Exporting is audited with the filters and the
    number of rows."""
    now = timezone.now()
    found = (
        concerns_found(viewer, filters)
        .select_related("learner", "subject_staff")
        .annotate(
            steps_open=Count("steps", filter=Q(steps__done_at__isnull=True), distinct=True),
            steps_overdue=Count(
                "steps",
                filter=Q(steps__done_at__isnull=True, steps__due_at__lt=now),
                distinct=True,
            ),
        )
    )
    count = found.count()
    record(
        action=AuditAction.CONCERN_LIST_EXPORTED,
        actor=viewer,
        data={"filters": filters.audited(), "count": count},
    )
    zone = viewer.organisation.zone
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for concern in found.iterator(chunk_size=500):
        writer.writerow(_row(concern, zone))
    return out.getvalue()


# Steps and tasks -----------------------------------------------------------------------------

TASK_SHOWS = ("overdue", "mine", "open")


def tasks_page_for(viewer: User, *, show: str, page: int | str | None) -> Page[Any]:
    """Steps and tasks not yet done on the open cases the viewer may open, soonest due first:
    all of them, the viewer's own (``mine``), or those past their due time (``overdue``)."""
    steps = ConcernStep.objects.filter(
        concern__in=visible_concerns(viewer).exclude(status=Status.CLOSED),
        done_at__isnull=True,
    )
    if show == "mine":
        steps = steps.filter(owner=viewer)
    elif show == "overdue":
        steps = steps.filter(due_at__lt=timezone.now())
    shown = page_of(
        steps.select_related("concern", "owner").order_by("due_at", "id"),
        number=page,
        per_page=PER_PAGE,
    ).page
    record(
        action=AuditAction.CONCERN_TASKS_VIEWED,
        actor=viewer,
        data={"show": show, "count": shown.paginator.count, "page": shown.number},
    )
    return shown


def tasks_of(viewer: User, *, limit: int = 10) -> list[ConcernStep]:
    """The viewer's own steps and tasks still to do, on open cases they may open (dashboard)."""
    return list(
        ConcernStep.objects.filter(
            concern__in=visible_concerns(viewer).exclude(status=Status.CLOSED),
            done_at__isnull=True,
            owner=viewer,
        )
        .select_related("concern")
        .order_by("due_at", "id")[:limit]
    )
