"""An uploaded OneRoster export checked, then applied, by the task worker, with its progress
for its page: the same way as a CSV import job (``people.imports.jobs``)."""

from dataclasses import asdict, dataclass
from functools import partial

from django.db import transaction
from django.template.defaultfilters import pluralize

from chaperon.core.exceptions import ValidationFailed

from ..imports.progress import progress_load
from ..imports.report import Progress
from ..models import Organisation, RosterImport, User
from ..permissions import require, require_same_organisation
from ..roles import Permission
from ..tasks import roster_apply_task, roster_preview_task
from .files import RosterFiles, fingerprint


def roster_import_queue(
    *, actor: User, organisation: Organisation, files: RosterFiles, source: str
) -> RosterImport:
    """Keep an uploaded export's files and queue its check once the surrounding transaction
    commits; its page follows the check and then shows what applying it would change."""
    require(actor, Permission.IMPORT_PEOPLE)
    require(actor, Permission.MANAGE_STAFF)
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    pending = RosterImport.objects.create(
        organisation=organisation,
        source=source[:255],
        fingerprint=fingerprint(files),
        created_by=actor,
        status=RosterImport.Status.QUEUED,
        content=files,
    )
    transaction.on_commit(partial(roster_preview_task.enqueue, pending.pk))
    return pending


def roster_import_apply_queue(*, actor: User, pending: RosterImport) -> RosterImport:
    """Ask for a previewed export to be applied, as ``actor``, by the task worker once the
    surrounding transaction commits. Asking twice queues it once."""
    require(actor, Permission.IMPORT_PEOPLE)
    require_same_organisation(actor, pending)
    queued = RosterImport.objects.filter(
        pk=pending.pk, status=RosterImport.Status.PREVIEWED
    ).update(status=RosterImport.Status.APPLY_QUEUED, applied_by=actor)
    if queued != 1:
        raise ValidationFailed({"import": "this export was applied or refused already"})
    transaction.on_commit(partial(roster_apply_task.enqueue, pending.pk))
    pending.refresh_from_db()
    return pending


@dataclass(frozen=True)
class RosterJobState:
    """Where an export's check or apply stands, for its page and its JSON status. Counts only:
    no personal data."""

    status: str
    finished: bool
    phase: str
    heading: str
    done: int
    total: int
    problems: int
    message: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


APPLY_STEPS = frozenset({RosterImport.Status.APPLY_QUEUED, RosterImport.Status.APPLYING})


def roster_job_state(pending: RosterImport) -> RosterJobState:
    progress = progress_load(pending.pk, of="roster") if pending.running else None
    applying = pending.status in APPLY_STEPS
    phase = progress.phase if progress is not None else "checking"
    if progress is None:
        done = total = 0
    elif progress.phase == "writing":
        done, total = progress.written, progress.total
    else:
        done, total = progress.checked, progress.total
    return RosterJobState(
        status=pending.status,
        finished=not pending.running,
        phase=f"{'applying' if applying else 'checking'}:{phase}",
        heading=_heading(applying, phase),
        done=done,
        total=total,
        problems=len(pending.errors),
        message=_message(pending, progress),
    )


def _heading(applying: bool, phase: str) -> str:
    if not applying:
        return "Step 1 of 2: checking the export"
    if phase == "writing":
        return "Step 2 of 2: applying it, saving the changes"
    return "Step 2 of 2: applying it, checking again against the records as they are now"


def _records(count: int) -> str:
    return f"{count:,} record{pluralize(count)}"


def _message(pending: RosterImport, progress: Progress | None) -> str:
    status = RosterImport.Status
    if pending.status == status.QUEUED:
        return "Waiting to start checking."
    if pending.status == status.APPLY_QUEUED:
        return "Waiting to start applying."
    if pending.running:
        if progress is None:
            return "Reading the export's files."
        if progress.phase == "writing":
            return f"Saving: {progress.written:,} of {_records(progress.total)} saved."
        return (
            f"Comparing with the organisation's records: {progress.checked:,} of "
            f"{_records(progress.total)} checked."
        )
    if pending.status == status.PREVIEWED:
        return "Checked. Nothing is saved until you apply it."
    if pending.status == status.APPLIED:
        return "Imported. The changes shown are made."
    if pending.status == status.REFUSED:
        count = len(pending.errors)
        return f"Nothing was imported: {count:,} problem{pluralize(count)} found."
    return f"The import failed and nothing was changed. {pending.failure}".strip()
