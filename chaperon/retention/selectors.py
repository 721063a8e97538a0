"""Reads of the retention schedule (LOG-2, ORG-7): the schedule for an organisation with its
own periods, and the records due for the DSL's review, found by the database a page at a time.

A record is due when its period has ended (``core.pure.retention``), it has not been reviewed
and kept beyond today, and it is of the organisation. What blocks its destruction (a hold, an
open case) is read with it, so the list says why a record cannot go yet.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns.selectors import (
    closed_allegations_in,
    concerns_on_file_of,
    open_allegations_about,
    open_concerns_about,
)
from chaperon.consent.selectors import (
    consent_evidence_ended_by,
    consent_evidence_first_ended_on,
)
from chaperon.core.pure.retention import (
    BY_KIND,
    SCHEDULE,
    Action,
    AllegationOutcome,
    Kind,
    RecordKind,
    Rule,
    allegation_due,
    from_birth_due,
    from_event_due,
    latest_due_start,
    period_years,
)
from chaperon.governance.selectors import agreements_signed_by, training_completions_of
from chaperon.people.models import Learner, Organisation, StaffMember, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission

from .models import RetentionDestruction, RetentionHold, RetentionPeriod, RetentionReview

# The kinds the DSL reviews here; the others are destroyed by Chaperon itself (recordings,
# meeting records) or kept whole (the audit log).
REVIEWED_HERE = (
    Kind.CONCERN_FILE,
    Kind.ALLEGATION,
    Kind.CONSENT_EVIDENCE,
    Kind.AUP_AND_TRAINING,
    Kind.PEOPLE_WHO_LEFT,
)


def retirement_age() -> int:
    return int(settings.RETENTION_RETIREMENT_AGE)


@dataclass(frozen=True)
class ScheduleLine:
    entry: RecordKind
    years: int | None  # in force for the organisation
    rule: str  # in words, for the organisation
    period: RetentionPeriod | None  # the organisation's own, if it set one

    @property
    def shortened(self) -> bool:
        scheduled, years = self.entry.years, self.years
        if self.period is None or scheduled is None or years is None:
            return False
        return years < scheduled


def periods_of(organisation: Organisation) -> dict[Kind, RetentionPeriod]:
    periods = RetentionPeriod.objects.filter(organisation=organisation).select_related("set_by")
    return {Kind(period.kind): period for period in periods}


def rule_words(entry: RecordKind, organisation: Organisation, years: int | None) -> str:
    """The rule as the organisation's schedule page and the register say it."""
    if entry.rule is Rule.FROM_BIRTH:
        return f"The child's date of birth plus {years} years"
    if entry.rule is Rule.ALLEGATION:
        return (
            f"The longer of the person's normal retirement age ({retirement_age()}) and "
            f"{years} years from the allegation"
        )
    if entry.kind is Kind.MEETING_RECORD:
        return (
            f"{organisation.meeting_record_retention_years} years from the meeting (the "
            "organisation's setting)"
        )
    if entry.rule is Rule.AS_CONSENTED:
        return "As consented: the days the consent statement gave, from the recording"
    if entry.rule is Rule.KEPT_WHOLE:
        return "Kept whole for as long as Chaperon holds the organisation's records"
    return f"{years} years from {entry.runs_from}"


def _line(
    entry: RecordKind, organisation: Organisation, period: RetentionPeriod | None
) -> ScheduleLine:
    years = period_years(entry.kind, period.years if period else None)
    return ScheduleLine(entry, years, rule_words(entry, organisation, years), period)


def schedule_for(organisation: Organisation) -> list[ScheduleLine]:
    periods = periods_of(organisation)
    return [_line(entry, organisation, periods.get(entry.kind)) for entry in SCHEDULE]


def kept_for(organisation: Organisation, kind: str) -> str:
    """How long a kind is kept, in words, for the register of personal information."""
    entry = BY_KIND[Kind(kind)]
    period = RetentionPeriod.objects.filter(organisation=organisation, kind=kind).first()
    line = _line(entry, organisation, period)
    end = "destroyed by Chaperon" if entry.automatic else entry.action.label.lower()
    if entry.rule is Rule.KEPT_WHOLE:
        return f"{line.rule}; never changed or shortened: the log is hash-chained"
    return f"{line.rule}, then {end} (the retention schedule)"


def years_in_force(organisation: Organisation, kind: Kind) -> int:
    period = RetentionPeriod.objects.filter(organisation=organisation, kind=kind).first()
    years = period_years(kind, period.years if period else None)
    if years is None:
        raise ValueError(f"{kind} is not kept for a number of years")
    return years


def _active_holds() -> QuerySet[RetentionHold]:
    return RetentionHold.objects.filter(released_at__isnull=True)


def _kept(kind: Kind, today: date) -> QuerySet[RetentionReview]:
    return RetentionReview.objects.filter(kind=kind, keep_until__gt=today)


def due_learners(organisation: Organisation, kind: Kind, today: date) -> QuerySet[Learner]:
    """Learners whose child protection file has come to review: born on or before the cut-off,
    with a concern on file, not kept beyond today by a review."""
    cut_off = latest_due_start(today, years_in_force(organisation, kind))
    return (
        Learner.objects.filter(organisation=organisation, date_of_birth__lte=cut_off)
        .filter(Exists(concerns_on_file_of(OuterRef("pk"))))
        .exclude(Exists(_kept(kind, today).filter(learner=OuterRef("pk"))))
        .annotate(
            held=Exists(_active_holds().filter(learner=OuterRef("pk"))),
            open_case=Exists(open_concerns_about(OuterRef("pk"))),
        )
        .order_by("date_of_birth", "pk")
    )


def due_consent_learners(organisation: Organisation, kind: Kind, today: date) -> QuerySet[Learner]:
    """Learners with consent evidence whose every answer ended (withdrawn or replaced) on or
    before the cut-off, not kept beyond today by a review."""
    cut_off = latest_due_start(today, years_in_force(organisation, kind))
    return (
        Learner.objects.filter(organisation=organisation)
        .filter(Exists(consent_evidence_ended_by(OuterRef("pk"), cut_off)))
        .exclude(Exists(_kept(kind, today).filter(learner=OuterRef("pk"))))
        .annotate(
            held=Exists(_active_holds().filter(learner=OuterRef("pk"))),
            open_case=Exists(open_concerns_about(OuterRef("pk"))),
        )
        .order_by("last_name", "first_name", "pk")
    )


def due_staff(organisation: Organisation, kind: Kind, today: date) -> QuerySet[StaffMember]:
    """Members of staff who left on or before the cut-off: for their agreements and training
    records, those who still have some; for their own record, those not kept by a review."""
    cut_off = latest_due_start(today, years_in_force(organisation, kind))
    staff = StaffMember.objects.filter(organisation=organisation, left_on__lte=cut_off)
    if kind is Kind.AUP_AND_TRAINING:
        staff = staff.filter(
            Q(Exists(training_completions_of(OuterRef("pk"))))
            | Q(Exists(agreements_signed_by(OuterRef("user_id"))))
        )
    else:
        staff = staff.exclude(Exists(_kept(kind, today).filter(staff=OuterRef("pk"))))
    return (
        staff.select_related("user")
        .annotate(
            held=Exists(_active_holds().filter(staff=OuterRef("pk"))),
            open_case=Exists(open_allegations_about(OuterRef("user_id"))),
        )
        .order_by("left_on", "pk")
    )


def allegations_due_on(organisation: Organisation, years: int) -> dict[int, date]:
    """When each member of staff's allegation records come to review, by staff id: the latest
    of their closed allegations' dates (``allegation_due``). Someone with an allegation whose
    date cannot be known (no date of birth recorded, and not malicious) is left out: kept,
    never due by itself. Allegations are few, so this is worked out here, not in SQL."""
    allegations = closed_allegations_in(organisation.pk)
    staff = {
        member.user_id: member
        for member in StaffMember.objects.filter(
            organisation=organisation, user_id__in={each.subject_user_id for each in allegations}
        )
    }
    latest: dict[int, date] = {}
    unknown: set[int] = set()
    for each in allegations:
        member = staff.get(each.subject_user_id)
        if member is None:
            continue
        due_on = allegation_due(
            alleged_on=each.alleged_on,
            date_of_birth=member.date_of_birth,
            outcome=AllegationOutcome(each.outcome) if each.outcome else None,
            found_on=each.closed_on,
            years=years,
            retirement_age=retirement_age(),
        )
        if due_on is None:
            unknown.add(member.pk)
        else:
            latest[member.pk] = max(due_on, latest.get(member.pk, due_on))
    return {pk: due_on for pk, due_on in latest.items() if pk not in unknown}


def due_allegation_staff(
    organisation: Organisation, kind: Kind, today: date
) -> QuerySet[StaffMember]:
    """Members of staff whose allegation records have come to review, not kept beyond today
    by a review; an open allegation about them blocks anything but keeping or holding."""
    due = allegations_due_on(organisation, years_in_force(organisation, kind))
    return (
        StaffMember.objects.filter(
            organisation=organisation, pk__in=[pk for pk, on in due.items() if on <= today]
        )
        .exclude(Exists(_kept(kind, today).filter(staff=OuterRef("pk"))))
        .select_related("user")
        .annotate(
            held=Exists(_active_holds().filter(staff=OuterRef("pk"))),
            open_case=Exists(open_allegations_about(OuterRef("user_id"))),
        )
        .order_by("pk")
    )


def due_for_review(organisation: Organisation, kind: Kind, today: date) -> QuerySet[Any]:
    if kind is Kind.ALLEGATION:
        return due_allegation_staff(organisation, kind, today)
    if kind is Kind.CONCERN_FILE:
        return due_learners(organisation, kind, today)
    if kind is Kind.CONSENT_EVIDENCE:
        return due_consent_learners(organisation, kind, today)
    return due_staff(organisation, kind, today)


@dataclass(frozen=True)
class DueRow:
    """One record on the review list, for the page."""

    kind: Kind
    subject: Learner | StaffMember
    name: str
    due_on: date
    held: bool
    open_case: bool

    @property
    def destroys(self) -> bool:
        return BY_KIND[self.kind].action is Action.DESTROY

    @property
    def destroy_url(self) -> str:
        """The page that destroys the record on the DSL's confirmation, where there is one."""
        if self.kind is Kind.AUP_AND_TRAINING:
            return reverse("retention:destroy", args=[self.subject.pk])
        if self.kind is Kind.CONCERN_FILE:
            return reverse("retention:destroy_file", args=[self.subject.pk])
        if self.kind is Kind.CONSENT_EVIDENCE:
            return reverse("retention:destroy_consent", args=[self.subject.pk])
        return ""

    @property
    def may_keep(self) -> bool:
        """Whether the DSL may record a review that keeps it longer (a kind reviewed at the end
        of its period, or one to destroy that Chaperon cannot yet destroy here)."""
        return not self.destroys or not self.destroy_url

    @property
    def blocked(self) -> str:
        if self.held:
            return "Held: release the hold first"
        if self.open_case:
            return "An open case is about them"
        return ""

    @property
    def is_learner(self) -> bool:
        return isinstance(self.subject, Learner)


def due_rows(organisation: Organisation, kind: Kind, subjects: Any) -> list[DueRow]:
    """The page's rows, with each record's due date worked out from the rule."""
    years = years_in_force(organisation, kind)
    allegations = allegations_due_on(organisation, years) if kind is Kind.ALLEGATION else {}
    rows = []
    for subject in subjects:
        if kind is Kind.ALLEGATION:
            if subject.pk not in allegations:  # changed since the list was read
                continue
            due_on, name = allegations[subject.pk], subject.user.full_name
        elif isinstance(subject, Learner) and kind is Kind.CONSENT_EVIDENCE:
            ended_on = consent_evidence_first_ended_on(subject)
            if ended_on is None:  # answered again since the list was read
                continue
            due_on, name = from_event_due(ended_on, years), subject.full_name
        elif isinstance(subject, Learner):
            due_on, name = from_birth_due(subject.date_of_birth, years), subject.full_name
        else:
            due_on, name = from_event_due(subject.left_on, years), subject.user.full_name
        rows.append(DueRow(kind, subject, name, due_on, subject.held, subject.open_case))
    return rows


def review_list_opened(*, viewer: User, kind: Kind) -> Organisation:
    """The DSL opens the list of records due of one kind: audited, as it names people."""
    require(viewer, Permission.LEAD_SAFEGUARDING)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    record(
        action=AuditAction.RETENTION_REVIEW_VIEWED,
        actor=viewer,
        obj=organisation,
        data={"kind": kind.value},
    )
    return organisation


def holds_of(organisation: Organisation) -> QuerySet[RetentionHold]:
    """The holds in force, newest first (the page shows them a page at a time)."""
    return (
        _active_holds()
        .filter(organisation=organisation)
        .select_related("learner", "staff__user", "placed_by")
    )


def destructions_of(organisation: Organisation) -> QuerySet[RetentionDestruction]:
    return RetentionDestruction.objects.filter(organisation=organisation).select_related(
        "destroyed_by"
    )
