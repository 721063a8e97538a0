"""Periodic work: each app registers a task and how often it should run, in its ``ready()``.

``chaperon run_scheduler`` (started by ``chaperon serve``) puts each task on the queue when it
is due. Claiming is a conditional UPDATE on its ``PeriodicRun`` row, so several schedulers
(several servers) never enqueue the same run twice. Tasks take no arguments and are
idempotent: a run enqueued twice, or late, does no harm.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from .models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    task: Task
    every: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


_registry: dict[str, Periodic] = {}


def register_periodic(task: Task, *, every: timedelta) -> None:
    periodic = Periodic(task, every)
    _registry[periodic.name] = periodic


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda periodic: periodic.name)


def enqueue_due() -> list[str]:
    """Put every task that is due on the queue; return their names."""
    now = timezone.now()
    enqueued = []
    for periodic in registered():
        # With the database task backend the run is claimed and enqueued in one transaction.
        with transaction.atomic():
            if _claim(periodic, now):
                periodic.task.enqueue()
                enqueued.append(periodic.name)
    return enqueued


def _claim(periodic: Periodic, now: datetime) -> bool:
    due_before = now - periodic.every
    claimed = PeriodicRun.objects.filter(
        name=periodic.name, last_enqueued_at__lte=due_before
    ).update(last_enqueued_at=now)
    if claimed:
        return True
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=periodic.name, last_enqueued_at=now)
    except IntegrityError:
        return False  # it exists and is not due, or another scheduler just made it
    return True
