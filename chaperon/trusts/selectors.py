"""The trust overview: for each of a trust's schools and in total, counts that the database
computes (one grouped query per kind of figure, whatever the number of schools), from each
app's own selectors. Counts only: no name, reference or date of a person, so reading the
page writes no audit event."""

from dataclasses import dataclass, field

from django.core.paginator import Page

from chaperon.concerns.models import FourCs, Status
from chaperon.concerns.selectors import open_concern_counts_by_organisation
from chaperon.consent.selectors import consent_outstanding_by_organisation
from chaperon.core.pagination import page_of
from chaperon.people.models import Organisation, Trust, User
from chaperon.people.permissions import access_trust, can_in_trust
from chaperon.people.roles import TrustPermission
from chaperon.people.selectors import staff_compliance_by_organisation, trust_schools
from chaperon.recordings.selectors import recording_figures_by_organisation
from chaperon.sessions.selectors import session_figures_by_organisation

from .terms import Term, term_containing, today_in_the_uk

SCHOOLS_PER_PAGE = 20
OPEN_STATUSES = [status for status in Status if status != Status.CLOSED]


@dataclass
class Figures:
    """One school's figures, or the trust's total. ``flagged`` and ``concerns`` are None for
    a viewer whose trust role does not show safeguarding figures."""

    staff: int = 0
    staff_up_to_date: int = 0
    sessions: int = 0
    consent_outstanding: int = 0
    recordings_kept: int = 0
    recordings_held: int = 0
    flagged: int | None = None
    # Open concerns by status value (every open status present, 0 where none).
    concerns: dict[str, int] | None = None

    @property
    def staff_needing_attention(self) -> int:
        return self.staff - self.staff_up_to_date

    @property
    def open_concerns(self) -> int | None:
        return None if self.concerns is None else sum(self.concerns.values())

    @property
    def concerns_by_status(self) -> list[int]:
        """The open statuses' counts, in the order of ``OPEN_STATUSES``."""
        concerns = self.concerns or {}
        return [concerns.get(status.value, 0) for status in OPEN_STATUSES]

    def add(self, other: "Figures") -> None:
        self.staff += other.staff
        self.staff_up_to_date += other.staff_up_to_date
        self.sessions += other.sessions
        self.consent_outstanding += other.consent_outstanding
        self.recordings_kept += other.recordings_kept
        self.recordings_held += other.recordings_held
        if other.flagged is not None:
            self.flagged = (self.flagged or 0) + other.flagged
        if other.concerns is not None:
            self.concerns = self.concerns or dict.fromkeys(other.concerns, 0)
            for status, count in other.concerns.items():
                self.concerns[status] += count


@dataclass(frozen=True)
class SchoolRow:
    school: Organisation
    figures: Figures


@dataclass
class TrustOverview:
    trust: Trust
    term: Term
    safeguarding: bool  # whether flagged sessions and concerns are shown
    school_count: int
    query: str
    page: Page  # of schools matching ``query``
    rows: list[SchoolRow]
    total: Figures  # every school of the trust, whatever the search
    open_statuses: list[str] = field(default_factory=list)  # labels, as ``concerns_by_status``
    concerns_by_status: list[tuple[str, int]] = field(default_factory=list)  # (label, count)
    concerns_by_category: list[tuple[str, int]] = field(default_factory=list)  # (label, count)


def _figures_of(
    schools: list[Organisation], *, term: Term, safeguarding: bool
) -> tuple[dict[int, Figures], dict[str, int]]:
    """Each school's figures, and the open concerns of them all by category value."""
    ids = [school.pk for school in schools]
    staff = staff_compliance_by_organisation(schools, today=today_in_the_uk())
    sessions = session_figures_by_organisation(ids, since=term.since, until=term.until)
    consent = consent_outstanding_by_organisation(ids)
    recordings = recording_figures_by_organisation(ids)
    concerns = open_concern_counts_by_organisation(ids) if safeguarding else {}
    by_category: dict[str, int] = dict.fromkeys(FourCs.values, 0)
    figures = {}
    for pk in ids:
        counts = sessions.get(pk, {})
        kept = recordings.get(pk, {})
        school = Figures(
            staff=staff.get(pk, {}).get("staff", 0),
            staff_up_to_date=staff.get(pk, {}).get("up_to_date", 0),
            sessions=counts.get("sessions", 0),
            consent_outstanding=consent.get(pk, 0),
            recordings_kept=kept.get("kept", 0),
            recordings_held=kept.get("held", 0),
        )
        if safeguarding:
            school.flagged = counts.get("flagged", 0)
            school.concerns = dict.fromkeys(Status.values, 0)
            for (status, category), count in concerns.get(pk, {}).items():
                school.concerns[status] += count
                by_category[category] = by_category.get(category, 0) + count
            school.concerns = {s.value: school.concerns[s.value] for s in OPEN_STATUSES}
        figures[pk] = school
    return figures, by_category


def trust_overview_for(
    viewer: User, trust_id: int, *, query: str = "", page: str | int | None = None
) -> TrustOverview:
    """The overview of a trust ``viewer`` holds a role in; NotFound for any other trust,
    whether or not it exists."""
    trust = access_trust(viewer, trust_id)
    safeguarding = can_in_trust(viewer, trust.pk, TrustPermission.VIEW_TRUST_SAFEGUARDING_FIGURES)
    term = term_containing(today_in_the_uk())
    schools = list(trust_schools(trust))
    figures, by_category = _figures_of(schools, term=term, safeguarding=safeguarding)
    total = Figures(flagged=0 if safeguarding else None)
    if safeguarding:
        total.concerns = {status.value: 0 for status in OPEN_STATUSES}
    for school_figures in figures.values():
        total.add(school_figures)
    shown = page_of(trust_schools(trust, query=query), number=page, per_page=SCHOOLS_PER_PAGE).page
    return TrustOverview(
        trust=trust,
        term=term,
        safeguarding=safeguarding,
        school_count=len(schools),
        query=query.strip(),
        page=shown,
        rows=[SchoolRow(school, figures[school.pk]) for school in shown.object_list],
        total=total,
        open_statuses=[status.label for status in OPEN_STATUSES],
        concerns_by_status=[
            (status.label, count)
            for status, count in zip(OPEN_STATUSES, total.concerns_by_status, strict=True)
        ]
        if safeguarding
        else [],
        concerns_by_category=[
            (FourCs(category).label, count) for category, count in by_category.items()
        ]
        if safeguarding
        else [],
    )
