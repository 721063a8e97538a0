"""The task worker (``chaperon run_worker``): django-tasks-db's worker, made to ride out a
database that is locked or gone instead of stopping, and to say it is alive.

What it changes from ``db_worker``:
- An error of a database that does not answer (``RECOVERABLE``) while looking for a task, or
  while recording a task's outcome, is logged once per outage; the worker drops its connection
  and tries again after a growing wait (``Backoff``). An outcome it could not record is kept
  and recorded when the database answers.
- A task that itself fails on such an error is put back in the queue to run again after a
  wait, not marked failed for good (at most ``DATABASE_RETRIES`` times).
- It beats (``chaperon.core.heartbeats``) so that ``/healthz`` sees it and, if it dies, the
  tasks it held are taken up again.
"""

import logging
import random
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import close_old_connections
from django.db.utils import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .heartbeats import HeartbeatThread
from .models import ProcessRole
from .resilience import RECOVERABLE, Backoff, discard_connections

logger = logging.getLogger("django_tasks_db")

# A task failing on an unanswering database this many times is marked failed.
DATABASE_RETRIES = 20


class ResilientWorker(Worker):
    def __init__(self, *, heartbeat: bool = True, **options: Any) -> None:
        super().__init__(**options)
        self._heartbeat = heartbeat
        self._backoff = Backoff()
        self._unrecorded: list[Callable[[], None]] = []

    def run(self) -> None:
        heartbeat = HeartbeatThread(self.worker_id, ProcessRole.WORKER) if self._heartbeat else None
        if heartbeat is not None:
            heartbeat.start()
        try:
            logger.info(
                "Starting worker worker_id=%s queues=%s",
                self.worker_id,
                ",".join(self.queue_names),
            )
            if self.startup_delay and self.interval:
                time.sleep(random.random())  # noqa: S311 (workers started together spread out)
            self._loop()
        finally:
            if heartbeat is not None:
                heartbeat.stop()

    def _loop(self) -> None:
        while self.running:
            try:
                self._record_what_waits()
                task_result, looked = self._next_task()
            except RECOVERABLE as error:
                self._database_trouble(error)
                continue
            if self._backoff.reset():
                logger.warning("The database answers again; worker %s goes on", self.worker_id)
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch and looked:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def _database_trouble(self, error: Exception) -> None:
        wait = self._backoff.next_wait()
        if self._backoff.failures == 1:
            logger.warning(
                "The database does not answer (%s: %s); worker %s tries again",
                type(error).__name__,
                str(error).strip(),
                self.worker_id,
            )
        discard_connections()
        if self.running:
            time.sleep(wait)

    def _next_task(self) -> tuple[DBTaskResult | None, bool]:
        """The next ready task, claimed (or None), and whether the queue could be read."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                return None, False  # locked for a moment: look again after the interval
        return task_result, True

    def _record_what_waits(self) -> None:
        while self._unrecorded:
            self._unrecorded[0]()
            self._unrecorded.pop(0)

    def _record(self, write: Callable[[], None]) -> None:
        """Record an outcome now, or keep it for when the database answers again."""
        try:
            write()
        except RECOVERABLE as error:
            logger.warning("Outcome kept until the database answers (%s)", error)
            self._unrecorded.append(write)
            discard_connections()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the task and record its outcome, as django-tasks-db does, except that a task
        failing on an unanswering database is put back in the queue."""
        self.running_task = True
        try:
            try:
                task = db_task_result.task
                task_result = db_task_result.task_result
                task_started.send(sender=type(task.get_backend()), task_result=task_result)
                if task.takes_context:
                    value = task.call(
                        TaskContext(task_result=task_result),
                        *task_result.args,
                        **task_result.kwargs,
                    )
                else:
                    value = task.call(*task_result.args, **task_result.kwargs)
            except RECOVERABLE as error:
                self._record(partial(self._put_back, db_task_result, error))
                return
            except BaseException as error:
                self._record(partial(self._failed, db_task_result, error))
                return
            self._record(partial(self._succeeded, db_task_result, value))
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _succeeded(self, db_task_result: DBTaskResult, value: Any) -> None:
        try:
            db_task_result.set_successful(value)
        except RECOVERABLE:
            raise
        except Exception as error:  # a value that cannot be stored, as django-tasks-db does
            db_task_result.set_failed(error)
        task_finished.send(
            sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result
        )

    def _failed(self, db_task_result: DBTaskResult, error: BaseException) -> None:
        db_task_result.set_failed(error)
        logger.warning("Task id=%s failed: %s", db_task_result.id, error)
        try:
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        except ImportError:
            logger.exception("Task id=%s failed unexpectedly", db_task_result.id)

    def _put_back(self, db_task_result: DBTaskResult, error: Exception) -> None:
        tries = len(db_task_result.worker_ids)
        if tries >= DATABASE_RETRIES:
            self._failed(db_task_result, error)
            return
        wait = timedelta(seconds=min(60, 2**tries))
        DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, run_after=timezone.now() + wait
        )
        logger.warning(
            "Task id=%s (%s) met an unanswering database (%s); it runs again in %s s",
            db_task_result.id,
            db_task_result.task_path,
            error,
            int(wait.total_seconds()),
        )
