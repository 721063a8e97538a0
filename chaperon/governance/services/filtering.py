"""Filtering and monitoring reports (ORG-5): importing one (all of it or nothing), raising a
concern from one of its entries (once), and recording the termly check and yearly review.
Each change is one transaction with its audit event; a refusal changes nothing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns import services as concerns
from chaperon.concerns.models import ConcernKind, ConcernType, FourCs
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.emails import normalise_email
from chaperon.people.imports.report import RowError
from chaperon.people.models import Learner, Organisation, StaffMember, User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission

from ..filtering_csv import ReportRow, read_report
from ..models import FilterCategory, FilterCheck, FilterCheckKind, FilterEntry, FilterReport

NOTE_MAX_CHARACTERS = 2000

# How a concern raised from an entry is classed: the four Cs and the concern's types.
CONCERN_CLASS: dict[FilterCategory, tuple[FourCs, tuple[ConcernType, ...]]] = {
    FilterCategory.ILLEGAL: (FourCs.CONTENT, (ConcernType.OTHER,)),
    FilterCategory.BULLYING: (FourCs.CONDUCT, (ConcernType.CYBERBULLYING,)),
    FilterCategory.CHILD_SEXUAL_EXPLOITATION: (FourCs.CONTACT, (ConcernType.GROOMING,)),
    FilterCategory.DISCRIMINATION: (FourCs.CONTENT, (ConcernType.DISCRIMINATION,)),
    FilterCategory.DRUGS: (FourCs.CONTENT, (ConcernType.DRUGS,)),
    FilterCategory.EXTREMISM: (FourCs.CONTENT, (ConcernType.EXTREMISM,)),
    FilterCategory.GAMBLING: (FourCs.COMMERCE, (ConcernType.OTHER,)),
    FilterCategory.MALWARE: (FourCs.CONDUCT, (ConcernType.MALWARE,)),
    FilterCategory.PORNOGRAPHY: (FourCs.CONTENT, (ConcernType.PORNOGRAPHY,)),
    FilterCategory.PIRACY: (FourCs.CONDUCT, (ConcernType.PIRACY,)),
    FilterCategory.SELF_HARM: (FourCs.CONTENT, (ConcernType.SELF_HARM,)),
    FilterCategory.VIOLENCE: (FourCs.CONTENT, (ConcernType.VIOLENCE,)),
}


@dataclass(frozen=True)
class FilterImport:
    """The report saved, or (when ``errors`` is not empty) nothing saved and why."""

    report: FilterReport | None
    errors: tuple[RowError, ...] = ()


type Person = Learner | User


def _people_named(organisation: Organisation, names: Iterable[str]) -> dict[str, list[Person]]:
    """Everyone of ``organisation`` each filter user name could be: a member of staff or a
    learner by email address (capitals ignored) or by external id (exactly)."""
    names = set(names)
    emails = {normalise_email(name): name for name in names if "@" in name}
    found: dict[str, list[Person]] = {}

    def add(name: str | None, person: Person) -> None:
        if name is not None and person not in found.setdefault(name, []):
            found[name].append(person)

    for user in User.objects.filter(
        organisation=organisation, staff__isnull=False, email__in=emails
    ):
        add(emails.get(user.email), user)
    learners = Learner.objects.filter(organisation=organisation)
    for by_email in learners.annotate(lowered=Lower("email")).filter(
        lowered__in=[email.lower() for email in emails]
    ):
        add(emails.get(normalise_email(by_email.email)), by_email)
    for member in StaffMember.objects.filter(
        organisation=organisation, external_id__in=names
    ).select_related("user"):
        add(member.external_id, member.user)
    for learner in learners.filter(external_id__in=names):
        add(learner.external_id, learner)
    return found


def _entry(report: FilterReport, row: ReportRow, people: dict[str, list[Person]]) -> FilterEntry:
    matches = people.get(row.user_name, [])
    person = matches[0] if len(matches) == 1 else None  # two people could be meant: neither
    return FilterEntry(
        organisation_id=report.organisation_id,
        report=report,
        line=row.line,
        occurred_at=row.occurred_at,
        user_name=row.user_name,
        learner=person if isinstance(person, Learner) else None,
        staff_user=person if isinstance(person, User) else None,
        domain=row.domain,
        category=row.category,
        action=row.action,
        serious=row.serious,
        device=row.device,
        detail=row.detail,
    )


@logged
def filter_report_import(
    *, actor: User, organisation: Organisation, text: str, file_name: str = ""
) -> FilterImport:
    """Check every row of ``text`` (the CSV format of docs/governance.md), then save the report
    and all its entries, or nothing if any row is refused (``errors`` says each problem)."""
    require(actor, Permission.ACT_ON_FILTERING_REPORTS)
    require_same_organisation(actor, organisation)
    read = read_report(text, zone=organisation.zone, now=timezone.now())
    if read.errors:
        return FilterImport(None, tuple(sorted(read.errors)))
    people = _people_named(organisation, {row.user_name for row in read.rows})
    with transaction.atomic():
        report = FilterReport.objects.create(
            organisation=organisation,
            imported_by=actor,
            file_name=file_name[:200],
            entry_count=len(read.rows),
            serious_count=sum(row.serious for row in read.rows),
            unmatched_count=0,
            first_at=min(row.occurred_at for row in read.rows),
            last_at=max(row.occurred_at for row in read.rows),
        )
        entries = FilterEntry.objects.bulk_create(
            [_entry(report, row, people) for row in read.rows], batch_size=1000
        )
        report.unmatched_count = sum(
            entry.learner_id is None and entry.staff_user_id is None for entry in entries
        )
        report.save(update_fields=["unmatched_count", "updated_at"])
        record(
            action=AuditAction.FILTER_REPORT_IMPORTED,
            actor=actor,
            obj=report,
            data={
                "report": report.pk,
                "entries": report.entry_count,
                "serious": report.serious_count,
                "unmatched": report.unmatched_count,
            },
        )
    return FilterImport(report)


def _description(entry: FilterEntry, organisation: Organisation) -> str:
    when = timezone.localtime(entry.occurred_at, organisation.zone)
    category = FilterCategory(entry.category).label
    text = (
        f"The filtering and monitoring report shows that on {when:%d %b %Y at %H:%M} the "
        f"filter {entry.get_action_display().lower()} the site {entry.domain} "
        f"({category}) for the user {entry.user_name}"
    )
    if entry.device:
        text += f", on the device {entry.device}"
    text += f". (Report {entry.report_id}, line {entry.line} of the file.)"
    if entry.detail:
        text += f" The filter's detail: {entry.detail}"
    return text


@logged
def filter_entry_raise_concern(*, actor: User, entry_id: int) -> FilterEntry:
    """Raise a concern about the learner (or an allegation about the member of staff) an entry
    was matched to, once: the entry is locked, so two clicks at once make one concern."""
    require(actor, Permission.ACT_ON_FILTERING_REPORTS)
    with transaction.atomic():
        entry = (
            FilterEntry.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=entry_id, organisation_id=actor.organisation_id)
            .first()
        )
        if entry is None:
            raise ValidationFailed({"entry": "There is no such entry in your reports"})
        if entry.concern_id is not None:
            raise ValidationFailed(
                {
                    "entry": "A concern was already raised from this entry: "
                    + entry.concern_reference
                }
            )
        if entry.learner_id is None and entry.staff_user_id is None:
            raise ValidationFailed(
                {
                    "entry": "This entry names nobody of the organisation; raise a concern "
                    "from the staff form, saying who it is about"
                }
            )
        if entry.staff_user_id == actor.pk:
            raise ValidationFailed(
                {"entry": "This entry is about you: ask the safeguarding lead to raise it"}
            )
        category, types = CONCERN_CLASS[FilterCategory(entry.category)]
        organisation = entry.organisation
        concern = concerns.concern_raise(
            actor=actor,
            organisation=organisation,
            description=_description(entry, organisation),
            kind=ConcernKind.ALLEGATION if entry.staff_user_id else ConcernKind.CONCERN,
            category=category,
            types=[value.value for value in types],
            occurred_on=timezone.localtime(entry.occurred_at, organisation.zone).date(),
            learner=entry.learner,
            subject_staff=entry.staff_user,
        )
        # The lock above keeps a second click waiting on PostgreSQL; the condition here keeps
        # one concern per entry on a database that does not lock rows (SQLite) as well.
        claimed = FilterEntry.objects.filter(pk=entry.pk, concern__isnull=True).update(
            concern=concern, concern_reference=concern.reference, updated_at=timezone.now()
        )
        if claimed != 1:
            raise ValidationFailed(
                {"entry": "A concern was raised from this entry at the same moment: look again"}
            )
        entry.concern, entry.concern_reference = concern, concern.reference
        record(
            action=AuditAction.FILTER_ENTRY_CONCERN_RAISED,
            actor=actor,
            obj=entry,
            data={"report": entry.report_id, "entry": entry.pk, "concern": concern.pk},
        )
    return entry


@logged
def filter_check_record(
    *, actor: User, kind: str, note: str, checked_on: date | None = None
) -> FilterCheck:
    """Record that ``actor`` checked the reports (``check``, termly) or reviewed the
    filtering and monitoring (``review``, yearly) on ``checked_on`` (by default today)."""
    require(actor, Permission.ACT_ON_FILTERING_REPORTS)
    organisation = actor.organisation
    today = organisation.today()
    checked_on = checked_on or today
    errors: dict[str, str] = {}
    if kind not in FilterCheckKind.values:
        errors["kind"] = "choose a check of the reports or a review"
    note = note.strip()
    if not note:
        errors["note"] = "say what you looked at and what you found, in a sentence or more"
    elif len(note) > NOTE_MAX_CHARACTERS:
        errors["note"] = f"keep this to {NOTE_MAX_CHARACTERS:,} characters (it has {len(note):,})"
    if checked_on > today:
        errors["checked_on"] = "the date cannot be in the future"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        check = FilterCheck.objects.create(
            organisation=organisation,
            kind=kind,
            checked_by=actor,
            checked_on=checked_on,
            note=note,
        )
        record(
            action=AuditAction.FILTER_CHECK_RECORDED,
            actor=actor,
            obj=check,
            data={"check": check.pk, "kind": kind, "checked_on": checked_on.isoformat()},
        )
    return check
