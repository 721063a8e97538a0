"""``roster_import``: read a OneRoster export, check all of it against the organisation's
records, then (when asked to apply) write all of it in one transaction, or nothing."""

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged

from ..imports.report import Progress, ProgressCallback
from ..models import Organisation, RosterImport, User
from ..permissions import require, require_same_organisation
from ..roles import Permission
from .files import RosterFiles, fingerprint
from .parse import read_roster
from .plan import make_plan, records_to_check
from .report import RosterResult
from .write import planned_writes, write_plan


class _Tracker:
    def __init__(self, callback: ProgressCallback | None, checked: int, total: int) -> None:
        self.callback, self.checked, self.total, self.written = callback, checked, total, 0

    def __call__(self, count: int) -> None:
        self.written += count
        if self.callback is not None:
            self.callback(Progress("writing", self.checked, self.written, self.total))


class _Checking:
    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.checked = callback, total, 0
        self(0)

    def __call__(self, count: int) -> None:
        self.checked += count
        if self.callback is not None:
            self.callback(Progress("checking", self.checked, 0, self.total))


@logged
def roster_import(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    files: RosterFiles,
    apply: bool = False,
    progress: ProgressCallback | None = None,
) -> RosterResult:
    """Check ``files`` (a OneRoster export) and say what importing it changes; with ``apply``
    and no problems, make those changes. A refused export writes nothing but its audit event.
    Imports into one organisation take turns (its row is locked while one runs)."""
    require(actor, Permission.IMPORT_PEOPLE)
    require(actor, Permission.MANAGE_STAFF)
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    roster, errors = read_roster(files, today=organisation.today())
    checking = _Checking(progress, records_to_check(roster))
    with transaction.atomic():
        if apply:
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan, conflicts = make_plan(
            roster, organisation=organisation, actor=actor, checked=checking
        )
        result = plan.result
        result.errors = sorted({*errors, *conflicts})
        if not apply:
            return result
        if result.errors:
            record(
                action=AuditAction.ROSTER_IMPORT_REFUSED,
                actor=actor,
                obj=organisation,
                data={"problems": len(result.errors), "rows": result.rows},
            )
            return result
        tracker = _Tracker(progress, checking.checked, planned_writes(plan))
        write_plan(plan, organisation=organisation, actor=actor, done=tracker)
        result.applied = True
        record(
            action=AuditAction.ROSTER_IMPORTED, actor=actor, obj=organisation, data=result.summary()
        )
    return result


@logged
def roster_import_record(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    files: RosterFiles,
    result: RosterResult,
    source: str,
    keep_files: bool = False,
    seen_as: str = "",
) -> RosterImport:
    """Keep what became of an export: its counts and problems, and its files only while it
    waits (``keep_files``) to be applied from the page. ``seen_as`` is how the export is
    recognised when it comes again (by default, its files' fingerprint)."""
    require(actor, Permission.IMPORT_PEOPLE)
    require_same_organisation(actor, organisation)
    status = (
        RosterImport.Status.REFUSED
        if result.refused
        else RosterImport.Status.APPLIED
        if result.applied
        else RosterImport.Status.PREVIEWED
    )
    return RosterImport.objects.create(
        organisation=organisation,
        source=source[:255],
        fingerprint=seen_as or fingerprint(files),
        created_by=actor if isinstance(actor, User) else None,
        status=status,
        content=files if keep_files else {},
        summary=result.summary(),
        errors=[error.as_dict() for error in result.errors],
    )


@logged
def roster_import_apply(
    *,
    actor: User | SystemActor,
    pending: RosterImport,
    progress: ProgressCallback | None = None,
) -> RosterResult:
    """Apply an export previewed from the page: checked again against the records as they are
    now, then written (or refused); its files are dropped either way. Run by the task worker
    once applying was asked for (``roster_import_apply_queue``)."""
    require(actor, Permission.IMPORT_PEOPLE)
    require_same_organisation(actor, pending)
    with transaction.atomic():
        pending = RosterImport.objects.select_for_update().get(pk=pending.pk)
        if pending.status not in APPLICABLE or not pending.content:
            raise ValidationFailed({"import": "this export was applied or refused already"})
        files = dict(pending.content)
        result = roster_import(
            actor=actor,
            organisation=pending.organisation,
            files=files,
            apply=True,
            progress=progress,
        )
        pending.status = (
            RosterImport.Status.REFUSED if result.refused else RosterImport.Status.APPLIED
        )
        pending.content = {}
        pending.preview = {}
        pending.summary = result.summary()
        pending.errors = [error.as_dict() for error in result.errors]
        pending.save(
            update_fields=["status", "content", "preview", "summary", "errors", "updated_at"]
        )
    return result


APPLICABLE = frozenset(
    {RosterImport.Status.PREVIEWED, RosterImport.Status.APPLY_QUEUED, RosterImport.Status.APPLYING}
)


def roster_import_checked(*, pending: RosterImport, result: RosterResult, listed: int) -> None:
    """Keep what checking an uploaded export found: with problems, the problems (its files
    dropped); without, what applying it would change (its files kept until then)."""
    pending.status = (
        RosterImport.Status.REFUSED if result.refused else RosterImport.Status.PREVIEWED
    )
    if result.refused:
        pending.content = {}
    else:
        pending.preview = result.preview(listed=listed)
    pending.summary = result.summary()
    pending.errors = [error.as_dict() for error in result.errors]
    pending.save(update_fields=["status", "content", "preview", "summary", "errors", "updated_at"])


def roster_import_failed(*, pending: RosterImport, failure: str) -> None:
    """An export whose checking or applying stopped on a fault: nothing was changed (its
    transaction was rolled back); its files are dropped, to be uploaded again."""
    pending.status = RosterImport.Status.FAILED
    pending.failure = failure
    pending.content = {}
    pending.preview = {}
    pending.save(update_fields=["status", "failure", "content", "preview", "updated_at"])


def access_roster_import(viewer: User, import_id: int) -> RosterImport:
    """An export read into the viewer's organisation, for those who import."""
    require(viewer, Permission.IMPORT_PEOPLE)
    found = RosterImport.objects.filter(
        pk=import_id, organisation_id=viewer.organisation_id
    ).first()
    if found is None:
        raise NotFound("No such import.")
    return found


def roster_imports_recent(viewer: User, *, limit: int = 10) -> list[RosterImport]:
    require(viewer, Permission.IMPORT_PEOPLE)
    return list(
        RosterImport.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("created_by")
        .defer("content")[:limit]
    )
