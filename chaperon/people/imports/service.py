"""``people_import``: check a whole file, then write all of it in one transaction, or nothing."""

from collections import Counter
from collections.abc import Callable

from django.db import IntegrityError, transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor

from ..models import ImportKind, Organisation, User
from ..permissions import require, require_same_organisation
from ..privileges import record_refusal
from ..roles import Permission
from ..selectors import organisation_today
from . import guardians, learners, staff
from .csvfile import Table, read_table
from .formats import FORMATS, ParsedRow, parse_records, resolve_header
from .plans import Outcome, Plan
from .report import ImportResult, Phase, Progress, ProgressCallback, RowError

type Planner = Callable[..., Plan]

PLANNERS: dict[ImportKind, Planner] = {
    ImportKind.STAFF: staff.plan,
    ImportKind.LEARNERS: learners.plan,
    ImportKind.GUARDIANS: guardians.plan,
}

# Importing changes the same records as the people services, under the same permissions.
MANAGING: dict[ImportKind, Permission] = {
    ImportKind.STAFF: Permission.MANAGE_STAFF,
    ImportKind.LEARNERS: Permission.MANAGE_LEARNERS,
    ImportKind.GUARDIANS: Permission.MANAGE_LEARNERS,
}

CHANGED_MEANWHILE = (
    "the records changed while this file was being imported (someone else added a person "
    "with the same external id or email address); nothing was written, upload the file again"
)


class _Refused(Exception):
    """Leave the write transaction, rolling it back; the errors are already collected."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan


class _Tracker:
    """Tell ``callback`` how far the import has gone, about a hundred times per phase."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.every = max(1, total // 100)
        self.checked = 0
        self.next_report: dict[Phase, int] = {"checking": 0, "writing": 0}

    def report(self, phase: Phase, done: int) -> None:
        if phase == "checking":
            self.checked = done
        if self.callback is None or (done < self.next_report[phase] and done < self.total):
            return
        self.next_report[phase] = done + self.every
        written = done if phase == "writing" else 0
        self.callback(Progress(phase, self.checked, written, self.total))


def people_import(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    kind: str,
    text: str,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Import ``text`` (a CSV file's decoded text) of ``kind`` into ``organisation``.

    Every row is checked before anything is written; if any row is bad the result lists every
    problem, nothing is written and the refusal is audited. Otherwise each new or changed record
    is written and audited, with a summary event, in one transaction; unchanged rows are not
    touched. ``dry_run`` checks and counts, writing and auditing nothing. ``SYSTEM`` is
    the command line; anyone else needs the permission to import and to manage what
    the file holds, in their own organisation.
    """
    kind = ImportKind(kind)
    require(actor, Permission.IMPORT_PEOPLE)
    require(actor, MANAGING[kind])
    require_same_organisation(actor, organisation)
    table = read_table(text)
    tracker = _Tracker(progress, len(table.records))
    rows, errors = _read_rows(kind, organisation, table, tracker)
    outcome = _Outcome(actor, organisation, kind, len(table.records), dry_run, job_id)
    if errors and not rows:  # the header is wrong: the rows cannot be read
        return outcome.refuse(errors)
    if errors or dry_run:
        # Repeats within the file and conflicts with the database are reported too.
        plan = PLANNERS[kind](organisation=organisation, rows=rows, errors=errors)
        plan.check_allowed(actor, errors)
        return outcome.refuse(errors, plan) if errors else outcome.done(plan)
    try:
        with transaction.atomic():
            plan = _plan_and_write(actor, organisation, kind, rows, errors, tracker)
            outcome.record_done(plan)
    except _Refused as refused:
        return outcome.refuse(errors, refused.plan)
    return outcome.done(plan)


def _read_rows(
    kind: ImportKind, organisation: Organisation, table: Table, tracker: _Tracker
) -> tuple[list[ParsedRow], list[RowError]]:
    """The file's rows, each value parsed, and every problem found in the header and rows."""
    errors = list(table.errors)
    if not table.header:
        return [], errors
    header_errors: list[RowError] = []
    positions = resolve_header(FORMATS[kind], table.header, header_errors)
    if header_errors:
        return [], errors + header_errors
    rows = parse_records(
        positions,
        table.records,
        width=len(table.header),
        today=organisation_today(organisation),
        errors=errors,
        on_row=lambda done: tracker.report("checking", done),
    )
    return rows, errors


def _plan_and_write(
    actor: User | SystemActor,
    organisation: Organisation,
    kind: ImportKind,
    rows: list[ParsedRow],
    errors: list[RowError],
    tracker: _Tracker,
) -> Plan:
    """Inside the import's transaction: plan against the records as they now are, then write."""
    # Imports into one organisation take turns, so that each plans against what the one
    # before it wrote.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    plan = PLANNERS[kind](organisation=organisation, rows=rows, errors=errors)
    plan.check_allowed(actor, errors)
    if errors:
        raise _Refused(plan)
    try:
        plan.write_all(actor, lambda done: tracker.report("writing", done))
    except IntegrityError as error:
        errors.append(RowError(0, "", CHANGED_MEANWHILE))
        raise _Refused(plan) from error
    return plan


class _Outcome:
    """The result of one import, and its summary audit events."""

    def __init__(
        self,
        actor: User | SystemActor,
        organisation: Organisation,
        kind: ImportKind,
        rows: int,
        dry_run: bool,
        job_id: int | None,
    ) -> None:
        self.actor = actor
        self.organisation = organisation
        self.kind = kind
        self.rows = rows
        self.dry_run = dry_run
        self.job_id = job_id

    def _record(self, action: AuditAction, **facts: int | str) -> None:
        data: dict[str, int | str] = {"kind": self.kind.value, "rows": self.rows, **facts}
        if self.job_id is not None:
            data["job"] = self.job_id
        record(
            action=action,
            actor=self.actor,
            obj=self.organisation,
            organisation_id=self.organisation.pk,
            data=data,
        )

    def refuse(self, errors: list[RowError], plan: Plan | None = None) -> ImportResult:
        if not self.dry_run:
            for refusal in plan.refusals if plan else []:
                record_refusal(actor=self.actor, refusal=refusal)
            self._record(AuditAction.PEOPLE_IMPORT_REFUSED, errors=len(errors))
        return ImportResult(
            self.kind.value,
            self.rows,
            errors=tuple(sorted(errors, key=lambda error: error.line)),
            dry_run=self.dry_run,
        )

    def record_done(self, plan: Plan) -> None:
        counts = Counter(step.outcome for step in plan.steps)
        self._record(
            AuditAction.PEOPLE_IMPORTED, **{outcome.value: counts[outcome] for outcome in Outcome}
        )

    def done(self, plan: Plan) -> ImportResult:
        counts = Counter(step.outcome for step in plan.steps)
        return ImportResult(
            self.kind.value,
            self.rows,
            created=counts[Outcome.CREATED],
            updated=counts[Outcome.UPDATED],
            unchanged=counts[Outcome.UNCHANGED],
            dry_run=self.dry_run,
        )
