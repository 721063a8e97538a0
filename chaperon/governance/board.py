"""The board's quarterly online safety report (ORG-6): the quarters, and the figures of each,
read from the other apps' selectors as counts. Nothing here names a child: the figures are
aggregates, the exceptions granted name only the staff who asked and who approved, and the
overdue actions only the staff who own them.

A quarter is a calendar quarter in the organisation's own time (January to March is the first).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Avg, Count, Q
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns.models import FourCs
from chaperon.concerns.models import Status as ConcernStatus
from chaperon.concerns.selectors import ConcernFigures, concern_figures, overdue_steps_by_owner
from chaperon.consent.selectors import consent_request_figures
from chaperon.core.exceptions import NotFound
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.people.selectors import (
    SiteGaps,
    staff_compliance_by_organisation,
    staff_compliance_gaps_by_site,
)
from chaperon.policy.selectors import platform_figures
from chaperon.recordings.selectors import recording_destruction_figures
from chaperon.sessions.models import ExceptionStatus
from chaperon.sessions.selectors import (
    GrantedException,
    SessionFigures,
    exceptions_granted,
    session_figures,
)

from .models import (
    AnnualReview,
    BoardReport,
    FilterCheck,
    FilterCheckKind,
    ReviewAction,
    ReviewRisk,
    SelfReview,
    SelfReviewAction,
)
from .quarters import Period, Quarter, SchoolYear, quarter_of, school_year_of
from .selectors import Overdue, filtering_overdue
from .self_review import ASPECTS, ELEMENTS, EVIDENCE, LEVELS, Aspect, Evidence

# The quarters a report compares: its own and the three before it.
COMPARED = 4


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class QuarterFigures:
    """The figures of one period: a quarter, or a school year for the annual review."""

    period: Period
    partial: bool  # the quarter has not ended yet
    concerns: ConcernFigures
    sessions: SessionFigures
    consent: dict[str, int]
    staff: int
    staff_up_to_date: int
    filtering_checks: int
    filtering_reviews: int
    recordings: dict[str, int]

    @property
    def staff_percent(self) -> int | None:
        return percent(self.staff_up_to_date, self.staff)

    @property
    def consent_percent(self) -> int | None:
        return percent(self.consent["answered"], self.consent["sent"])

    @property
    def recordings_percent(self) -> int | None:
        return percent(self.recordings["on_time"], self.recordings["due"])

    @property
    def exceptions_approved(self) -> int:
        return self.sessions.exceptions.get(ExceptionStatus.APPROVED, 0)

    @property
    def exceptions_refused(self) -> int:
        return self.sessions.exceptions.get(ExceptionStatus.REFUSED, 0)


def period_figures(
    organisation: Organisation, quarter: Period, *, today: date, now: datetime
) -> QuarterFigures:
    """The figures of one quarter, as the records stand now. Staff compliance is judged on the
    quarter's last day (or today, for the quarter not yet ended)."""
    since, until = quarter.bounds(organisation)
    on = min(quarter.last_day, today)
    staff = staff_compliance_by_organisation([organisation], today=on).get(
        organisation.pk, {"staff": 0, "up_to_date": 0}
    )
    checks = FilterCheck.objects.filter(
        organisation=organisation,
        checked_on__gte=quarter.first_day,
        checked_on__lte=quarter.last_day,
    ).aggregate(
        checks=Count("pk", filter=Q(kind=FilterCheckKind.CHECK)),
        reviews=Count("pk", filter=Q(kind=FilterCheckKind.REVIEW)),
    )
    return QuarterFigures(
        period=quarter,
        partial=quarter.last_day >= today,
        concerns=concern_figures(organisation.pk, since=since, until=until),
        sessions=session_figures(organisation.pk, since=since, until=until),
        consent=consent_request_figures(organisation.pk, since=since, until=until),
        staff=staff["staff"],
        staff_up_to_date=staff["up_to_date"],
        filtering_checks=checks["checks"],
        filtering_reviews=checks["reviews"],
        recordings=recording_destruction_figures(
            organisation.pk, since=since, until=until, now=now
        ),
    )


@dataclass(frozen=True)
class Row:
    """One line of the comparison table: a figure in each quarter, oldest first."""

    label: str
    values: list[str]


@dataclass(frozen=True)
class BoardFigures:
    organisation: Organisation
    quarter: Quarter
    quarters: list[QuarterFigures]  # oldest first; the report's own quarter last
    granted: list[GrantedException]
    overdue_steps: list[tuple[str, int]]
    filtering: Overdue
    gaps: list[SiteGaps]

    @property
    def current(self) -> QuarterFigures:
        return self.quarters[-1]

    @property
    def category_rows(self) -> list[Row]:
        return [
            Row(
                str(label).split(":")[0],
                [str(q.concerns.by_category.get(value, 0)) for q in self.quarters],
            )
            for value, label in FourCs.choices
        ]

    @property
    def status_rows(self) -> list[Row]:
        return [
            Row(
                str(label).split(":")[0],
                [str(q.concerns.by_status.get(value, 0)) for q in self.quarters],
            )
            for value, label in ConcernStatus.choices
        ]

    @property
    def rows(self) -> list[Row]:
        return _rows(self.quarters)


def _rows(qs: list[QuarterFigures]) -> list[Row]:
    def shown(value: int | float | None, suffix: str = "") -> str:
        return "none" if value is None else f"{value}{suffix}"

    return [
        Row("Concerns raised", [str(q.concerns.raised) for q in qs]),
        Row("of which allegations about staff", [str(q.concerns.allegations) for q in qs]),
        Row("Referrals made", [str(q.concerns.referrals) for q in qs]),
        Row(
            "Mean time to acknowledge (hours)",
            [shown(q.concerns.acknowledge_hours) for q in qs],
        ),
        Row("Sessions held or booked", [str(q.sessions.held) for q in qs]),
        Row("Sessions flagged by the policy", [str(q.sessions.flagged) for q in qs]),
        Row("Exceptions approved", [str(q.exceptions_approved) for q in qs]),
        Row("Exceptions refused", [str(q.exceptions_refused) for q in qs]),
        Row("Consent requests sent", [str(q.consent["sent"]) for q in qs]),
        Row("Consent requests answered (%)", [shown(q.consent_percent, "%") for q in qs]),
        Row(
            "Staff with DBS, training and AUP current (%)",
            [shown(q.staff_percent, "%") for q in qs],
        ),
        Row("Filtering report checks", [str(q.filtering_checks) for q in qs]),
        Row("Filtering reviews", [str(q.filtering_reviews) for q in qs]),
        Row("Recordings due for destruction", [str(q.recordings["due"]) for q in qs]),
        Row("Recordings destroyed on time (%)", [shown(q.recordings_percent, "%") for q in qs]),
    ]


def _platform_rows(organisation: Organisation, periods: tuple[Period, ...]) -> list[Row]:
    """The approved platforms of each school year (ORG-4): on the register, and added."""
    counts = [
        platform_figures(organisation.pk, since=since, until=until)
        for since, until in (period.bounds(organisation) for period in periods)
    ]
    return [
        Row("Platforms approved", [str(count["approved"]) for count in counts]),
        Row("of which added in the year", [str(count["added"]) for count in counts]),
    ]


def board_figures(
    organisation: Organisation, quarter: Quarter, *, today: date, now: datetime
) -> BoardFigures:
    """The report of ``quarter``: its figures and the three quarters' before it, the exceptions
    granted in it, and what is overdue now."""
    compared = [quarter]
    while len(compared) < COMPARED:
        compared.insert(0, compared[0].previous())
    since, until = quarter.bounds(organisation)
    return BoardFigures(
        organisation=organisation,
        quarter=quarter,
        quarters=[period_figures(organisation, q, today=today, now=now) for q in compared],
        granted=exceptions_granted(organisation.pk, since=since, until=until),
        overdue_steps=overdue_steps_by_owner(organisation.pk, now=now),
        filtering=filtering_overdue(organisation.pk, today=today),
        gaps=staff_compliance_gaps_by_site(organisation, today=today),
    )


@dataclass(frozen=True)
class BoardReportView:
    figures: BoardFigures
    report: BoardReport | None


def board_report_for(viewer: User, quarter: Quarter, *, form: str) -> BoardReportView:
    """The report of ``quarter`` for ``viewer``'s organisation, its figures worked out now.
    Audited (``form``: page or pdf): it names staff, those who approved exceptions and those
    who own overdue actions."""
    require(viewer, Permission.READ_BOARD_REPORT)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    today = organisation.today()
    if quarter > quarter_of(today):
        raise NotFound("That quarter has not begun.")
    figures = board_figures(organisation, quarter, today=today, now=timezone.now())
    report = (
        BoardReport.objects.filter(
            organisation=organisation, year=quarter.year, quarter=quarter.number
        )
        .select_related("narrative_by")
        .first()
    )
    record(
        action=AuditAction.BOARD_REPORT_VIEWED,
        actor=viewer,
        obj=report or organisation,
        data={"quarter": quarter.key, "form": form},
    )
    return BoardReportView(figures, report)


def board_reports_listed(viewer: User) -> list[tuple[Quarter, BoardReport | None]]:
    """The quarters of the last two years, newest first, with their saved reports."""
    require(viewer, Permission.READ_BOARD_REPORT)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    quarters = [quarter_of(organisation.today())]
    while len(quarters) < 8:
        quarters.append(quarters[-1].previous())
    saved = {
        (report.year, report.quarter): report
        for report in BoardReport.objects.filter(
            organisation=organisation, year__gte=quarters[-1].year
        )
    }
    return [(q, saved.get((q.year, q.number))) for q in quarters]


# The annual review (ORG-6) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewView:
    review: AnnualReview
    year: SchoolYear
    versions: list[AnnualReview]  # of its year, newest first
    figures: list[QuarterFigures]  # the year before, then its own
    rows: list[Row]
    risks: list[ReviewRisk]
    actions: list[ReviewAction]


def annual_reviews_listed(viewer: User) -> list[AnnualReview]:
    require(viewer, Permission.READ_ANNUAL_REVIEW)
    return list(
        AnnualReview.objects.filter(organisation_id=viewer.organisation_id).select_related(
            "signed_off_by"
        )
    )


def annual_review_for(viewer: User, review_id: int) -> ReviewView:
    """One version of a review with the figures of its school year (the board report's, over
    the year) beside the year before. Audited: it names staff (owners of risks and actions)."""
    require(viewer, Permission.READ_ANNUAL_REVIEW)
    review = (
        AnnualReview.objects.filter(organisation_id=viewer.organisation_id, pk=review_id)
        .select_related("organisation", "signed_off_by", "created_by")
        .first()
    )
    if review is None:
        raise NotFound("No such review.")
    organisation = review.organisation
    today, now = organisation.today(), timezone.now()
    year = SchoolYear(review.year)
    figures = [
        period_figures(organisation, period, today=today, now=now)
        for period in (year.previous(), year)
    ]
    record(
        action=AuditAction.ANNUAL_REVIEW_VIEWED,
        actor=viewer,
        obj=review,
        data={"year": year.key, "version": review.version},
    )
    return ReviewView(
        review=review,
        year=year,
        versions=list(
            AnnualReview.objects.filter(organisation=organisation, year=review.year).order_by(
                "-version"
            )
        ),
        figures=figures,
        rows=[*_rows(figures), *_platform_rows(organisation, (year.previous(), year))],
        risks=list(review.risks.select_related("owner")),
        actions=list(review.actions.select_related("owner")),
    )


# The self-review (ORG-8) -----------------------------------------------------------------------


@dataclass(frozen=True)
class RatedAspect:
    aspect: Aspect
    level: int
    commentary: str
    previous: int | None  # the level in the review before, if any
    measured: str  # what Chaperon measures of it, or ""
    evidence: tuple[Evidence, ...] = ()  # Chaperon's pages that hold its evidence
    actions: tuple["PlannedAction", ...] = ()  # its action plan

    @property
    def statement(self) -> str:
        """The level's statement, as the form offered it."""
        return LEVELS.get(self.level, str(self.level))


@dataclass(frozen=True)
class PlannedAction:
    action: SelfReviewAction
    overdue: bool  # not done, and its due day has passed
    carried_on: bool  # carried into a later self-review, to be marked there


@dataclass(frozen=True)
class SelfReviewView:
    review: SelfReview
    previous: SelfReview | None
    aspects: list[RatedAspect]
    elements: list[tuple[str, float, float | None]]  # element, mean level, the previous mean

    @property
    def mean(self) -> float:
        return _mean([rated.level for rated in self.aspects])


def _mean(levels: list[int]) -> float:
    return round(sum(levels) / len(levels), 1) if levels else 0.0


def self_reviews_listed(viewer: User) -> list[tuple[SelfReview, float]]:
    """The organisation's self-reviews, newest first, each with its mean level."""
    require(viewer, Permission.READ_SELF_REVIEW)
    reviews = list(
        SelfReview.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("reviewed_by")
        .annotate(mean=Avg("ratings__level"))
        .order_by("-reviewed_on", "-pk")
    )
    return [(review, round(review.mean or 0, 1)) for review in reviews]


def _measures(organisation: Organisation, today: date) -> dict[str, str]:
    """What Chaperon measures of the aspects, over the school year so far."""
    year = school_year_of(today)
    figures = period_figures(organisation, year, today=today, now=timezone.now())

    def shown(value: int | float | None, suffix: str) -> str:
        return "none yet" if value is None else f"{value}{suffix}"

    return {
        "staff_checks": f"{shown(figures.staff_percent, '%')} of staff have DBS, training and "
        "agreement current today",
        "recordings": f"{shown(figures.recordings_percent, '%')} of recordings due this school "
        "year destroyed on time",
        "consent": f"{shown(figures.consent_percent, '%')} of consent requests this school year "
        "answered",
        "filtering": f"{figures.filtering_checks} checks and {figures.filtering_reviews} reviews "
        "of filtering recorded this school year",
        "acknowledge": "concerns acknowledged in "
        f"{shown(figures.concerns.acknowledge_hours, ' hours')} on average this school year",
        "sessions": f"{figures.sessions.flagged} of {figures.sessions.held} sessions this school "
        "year flagged by the policy",
    }


def self_review_for(viewer: User, review_id: int) -> SelfReviewView:
    """One self-review beside the one before it, with what Chaperon measures now."""
    require(viewer, Permission.READ_SELF_REVIEW)
    review = (
        SelfReview.objects.filter(organisation_id=viewer.organisation_id, pk=review_id)
        .select_related("reviewed_by", "organisation")
        .first()
    )
    if review is None:
        raise NotFound("No such self-review.")
    previous = (
        SelfReview.objects.filter(organisation_id=review.organisation_id)
        .filter(
            Q(reviewed_on__lt=review.reviewed_on)
            | Q(reviewed_on=review.reviewed_on, pk__lt=review.pk)
        )
        .order_by("-reviewed_on", "-pk")
        .first()
    )
    levels = {r.aspect: r for r in review.ratings.all()}
    today = review.organisation.today()
    planned: dict[str, list[PlannedAction]] = {}
    for action in (
        review.actions.select_related("owner", "carried_from__review")
        .annotate(carried=Count("carried_to"))
        .order_by("due_on", "pk")
    ):
        planned.setdefault(action.aspect, []).append(
            PlannedAction(
                action=action,
                overdue=action.done_on is None and action.due_on < today and not action.carried,
                carried_on=bool(action.carried),
            )
        )
    before = {r.aspect: r.level for r in previous.ratings.all()} if previous is not None else {}
    measures = _measures(review.organisation, today)
    aspects = [
        RatedAspect(
            aspect=aspect,
            level=levels[aspect.key].level,
            commentary=levels[aspect.key].commentary,
            previous=before.get(aspect.key),
            measured=measures.get(aspect.measure, ""),
            evidence=EVIDENCE.get(aspect.key, ()),
            actions=tuple(planned.get(aspect.key, ())),
        )
        for aspect in ASPECTS
        if aspect.key in levels
    ]
    elements = []
    for element in ELEMENTS:
        mine = [rated for rated in aspects if rated.aspect.element == element]
        earlier = [rated.previous for rated in mine if rated.previous is not None]
        elements.append(
            (
                element,
                _mean([rated.level for rated in mine]),
                _mean(earlier) if earlier and previous is not None else None,
            )
        )
    record(
        action=AuditAction.SELF_REVIEW_VIEWED,
        actor=viewer,
        obj=review,
        data={"reviewed_on": review.reviewed_on.isoformat()},
    )
    return SelfReviewView(review=review, previous=previous, aspects=aspects, elements=elements)
