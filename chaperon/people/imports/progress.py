"""Live progress of a running import job, kept in Django's cache.

Why the cache and not the job's row: an import writes everything in one transaction, and while
that transaction is open on SQLite no other connection can write, so progress saved to the
database would appear only once the import had ended (and on PostgreSQL it would be invisible
until commit too). The cache is written outside the transaction: file-based by default, shared by
the web server and the task worker on one machine (several machines need a shared cache such as
Redis; Django's database cache would not do, for the same reason). The job's row keeps the final
figures; the cached progress is dropped when the job ends.
"""

from dataclasses import asdict
from typing import Literal

from django.core.cache import cache

from .report import Progress

KEEP_FOR_SECONDS = 24 * 60 * 60


# What the job is: a CSV import job ("import") or a OneRoster export read ("roster").
type JobKind = Literal["import", "roster"]


def _key(job_id: int, of: JobKind) -> str:
    return f"people:{of}:{job_id}:progress"


def progress_save(job_id: int, progress: Progress, *, of: JobKind = "import") -> None:
    cache.set(_key(job_id, of), asdict(progress), KEEP_FOR_SECONDS)


def progress_load(job_id: int, *, of: JobKind = "import") -> Progress | None:
    saved = cache.get(_key(job_id, of))
    if not isinstance(saved, dict):
        return None
    try:
        return Progress(**saved)
    except TypeError:  # saved by another version of this code
        return None


def progress_clear(job_id: int, *, of: JobKind = "import") -> None:
    cache.delete(_key(job_id, of))
