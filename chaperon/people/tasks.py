"""Background work for people: running an uploaded import (Django's tasks framework)."""

import logging
from functools import partial

from django.tasks import task
from django.utils import timezone

from chaperon.core.exceptions import ChaperonError

from .imports.progress import progress_clear, progress_save
from .imports.report import ImportResult
from .imports.service import people_import
from .models import ImportJob, ImportStatus, RosterImport
from .roster import roster_import
from .roster.service import roster_import_apply, roster_import_checked, roster_import_failed

logger = logging.getLogger(__name__)

FAULT = (
    "The import stopped because of a fault on the server. Try again "
    "later, or ask whoever runs Chaperon for your organisation to look at its log."
)


@task
def import_people_task(job_id: int) -> None:
    """Run an uploaded import. Given the job's id only; running it twice does nothing more."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    try:
        result = people_import(
            actor=job.created_by,
            organisation=job.organisation,
            kind=job.kind,
            text=job.content,
            progress=partial(progress_save, job.pk),
            job_id=job.pk,
        )
    except ChaperonError as error:  # for example, their role no longer allows importing
        _finish(job, ImportStatus.FAILED, failure=str(error))
        return
    except Exception:
        logger.exception("people import %s failed", job_id)
        _finish(job, ImportStatus.FAILED, failure=FAULT)
        raise
    _finish(job, ImportStatus.REFUSED if result.refused else ImportStatus.DONE, result=result)


def _finish(
    job: ImportJob, status: ImportStatus, *, result: ImportResult | None = None, failure: str = ""
) -> None:
    job.status = status
    job.failure = failure
    job.finished_at = timezone.now()
    job.content = ""  # the people records now hold what is needed of it
    if result is not None:
        job.total_rows = result.rows
        job.rows_checked = result.rows
        job.rows_written = 0 if result.refused else result.rows
        job.created_count = result.created
        job.updated_count = result.updated
        job.unchanged_count = result.unchanged
        job.errors = [error.as_dict() for error in result.errors]
    job.save()
    progress_clear(job.pk)


# Names shown per kind and change on an export's preview.
ROSTER_LISTED = 50


def _roster_claim(import_id: int, waiting: str, running: str) -> RosterImport | None:
    claimed = RosterImport.objects.filter(pk=import_id, status=waiting).update(
        status=running, updated_at=timezone.now()
    )
    if claimed != 1:
        return None
    return RosterImport.objects.select_related("organisation", "created_by", "applied_by").get(
        pk=import_id
    )


@task
def roster_preview_task(import_id: int) -> None:
    """Check an uploaded OneRoster export and keep what applying it would change. Given the
    export's id only; running it twice does nothing more."""
    pending = _roster_claim(import_id, RosterImport.Status.QUEUED, RosterImport.Status.CHECKING)
    if pending is None or pending.created_by is None:
        return
    try:
        result = roster_import(
            actor=pending.created_by,
            organisation=pending.organisation,
            files=dict(pending.content),
            progress=partial(progress_save, pending.pk, of="roster"),
        )
        roster_import_checked(pending=pending, result=result, listed=ROSTER_LISTED)
    except ChaperonError as error:  # for example, their role no longer allows importing
        roster_import_failed(pending=pending, failure=str(error))
    except Exception:
        logger.exception("OneRoster preview %s failed", import_id)
        roster_import_failed(pending=pending, failure=FAULT)
        raise
    finally:
        progress_clear(pending.pk, of="roster")


@task
def roster_apply_task(import_id: int) -> None:
    """Apply a previewed OneRoster export, as whoever asked: all of it in one transaction, or
    nothing. Given the export's id only; running it twice does nothing more."""
    pending = _roster_claim(
        import_id, RosterImport.Status.APPLY_QUEUED, RosterImport.Status.APPLYING
    )
    if pending is None or pending.applied_by is None:
        return
    try:
        roster_import_apply(
            actor=pending.applied_by,
            pending=pending,
            progress=partial(progress_save, pending.pk, of="roster"),
        )
    except ChaperonError as error:
        roster_import_failed(pending=pending, failure=str(error))
    except Exception:
        logger.exception("OneRoster apply %s failed", import_id)
        roster_import_failed(pending=pending, failure=FAULT)
        raise
    finally:
        progress_clear(pending.pk, of="roster")


@task
def import_dropped_rosters_task() -> int:
    """Apply the OneRoster exports dropped in ``ONEROSTER_DROP_DIR`` since the last run."""
    from .roster.dropped import import_dropped_exports

    return import_dropped_exports()
