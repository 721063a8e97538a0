"""Import jobs: an uploaded file kept until the task worker imports it, and its progress."""

from dataclasses import asdict, dataclass
from functools import partial

from django.db import transaction
from django.template.defaultfilters import pluralize

from chaperon.core.exceptions import NotFound

from ..models import ImportJob, ImportKind, ImportStatus, User
from ..permissions import require
from ..roles import Permission
from ..tasks import import_people_task
from .progress import progress_load
from .report import Progress


def import_job_create(*, actor: User, kind: str, file_name: str, text: str) -> ImportJob:
    """Keep an uploaded file's text and queue its import once the surrounding transaction
    commits. The caller has decoded the file (``decode_csv``)."""
    require(actor, Permission.IMPORT_PEOPLE)
    job = ImportJob.objects.create(
        organisation_id=actor.organisation_id,
        created_by=actor,
        kind=ImportKind(kind),
        file_name=file_name[:255],
        content=text,
    )
    transaction.on_commit(partial(import_people_task.enqueue, job.pk))
    return job


def access_import_job(viewer: User, job_id: int) -> ImportJob:
    require(viewer, Permission.IMPORT_PEOPLE)
    try:
        return (
            ImportJob.objects.select_related("created_by")
            .defer("content")
            .get(pk=job_id, organisation_id=viewer.organisation_id)
        )
    except ImportJob.DoesNotExist:
        raise NotFound("No such import.") from None


def import_jobs_recent(viewer: User, *, limit: int = 10) -> list[ImportJob]:
    require(viewer, Permission.IMPORT_PEOPLE)
    jobs = (
        ImportJob.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("created_by")
        .defer("content", "errors")
    )
    return list(jobs[:limit])


@dataclass(frozen=True)
class JobState:
    """Where a job stands, for its page and its JSON status. No personal data."""

    status: str
    finished: bool
    phase: str
    total: int
    checked: int
    written: int
    created: int
    updated: int
    unchanged: int
    problems: int
    message: str

    @property
    def done(self) -> int:
        return self.written if self.phase == "writing" else self.checked

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "done": self.done}


def _rows(count: int) -> str:
    return f"{count:,} row{pluralize(count)}"


def import_job_state(job: ImportJob) -> JobState:
    figures = {
        "total": job.total_rows,
        "checked": job.rows_checked,
        "written": job.rows_written,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "problems": len(job.errors),
    }
    phase = "writing" if job.status == ImportStatus.DONE else "checking"
    progress = progress_load(job.pk) if job.status == ImportStatus.RUNNING else None
    if progress is not None:
        phase = progress.phase
        figures.update(total=progress.total, checked=progress.checked, written=progress.written)
    return JobState(
        status=job.status,
        finished=job.finished,
        phase=phase,
        message=_message(job, progress),
        **figures,
    )


def _message(job: ImportJob, progress: Progress | None) -> str:
    if job.status == ImportStatus.QUEUED:
        return "Waiting to start."
    if job.status == ImportStatus.RUNNING:
        if progress is None:
            return "Starting."
        if progress.phase == "checking":
            return f"Checking every row: {progress.checked:,} of {_rows(progress.total)} checked."
        return f"Saving: {progress.written:,} of {_rows(progress.total)} saved."
    if job.status == ImportStatus.DONE:
        return (
            f"Imported {_rows(job.total_rows)}: {job.created_count:,} added, "
            f"{job.updated_count:,} changed, {job.unchanged_count:,} unchanged."
        )
    if job.status == ImportStatus.REFUSED:
        count = len(job.errors)
        return f"Not imported: {count:,} problem{pluralize(count)} found. Nothing was changed."
    return f"The import failed and nothing was changed. {job.failure}".strip()
