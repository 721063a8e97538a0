"""The task worker rides out an unanswering database (INC-2, LOG-1): a task that fails on one
is put back in the queue, not marked failed for good; an outcome that cannot be recorded is
recorded when the database answers again."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chaperon.core import worker as worker_module
from tests.task_support import database_tasks, run_ready_tasks  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.clause("INC-2"),
    pytest.mark.clause("LOG-1"),
    pytest.mark.django_db(transaction=True),
]

calls: list[str] = []


@task()
def locked_once_task() -> str:
    calls.append("called")
    if len(calls) == 1:
        raise OperationalError("database is locked")
    return "done"


@task()
def broken_task() -> str:
    raise ValueError("a real fault in the task")


@pytest.fixture(autouse=True)
def no_calls_yet() -> None:
    calls.clear()


def _ready_now() -> None:
    """As if the wait before the next try had passed."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.usefixtures("database_tasks")
def test_a_task_that_meets_a_locked_database_runs_again_later() -> None:
    result = locked_once_task.enqueue()
    assert run_ready_tasks() == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY  # not FAILED: it is waiting to run again
    assert row.run_after > timezone.now()
    assert run_ready_tasks() == 0  # not before its time

    _ready_now()
    assert run_ready_tasks() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "done"
    assert calls == ["called", "called"]


@pytest.mark.usefixtures("database_tasks")
def test_a_task_with_a_real_fault_is_marked_failed() -> None:
    result = broken_task.enqueue()
    assert run_ready_tasks() == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert "a real fault in the task" in row.traceback


@pytest.mark.usefixtures("database_tasks")
def test_an_outcome_the_database_would_not_take_is_recorded_when_it_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = locked_once_task.enqueue()
    calls.append("first call already made")  # so this run succeeds
    refusals: list[object] = []
    original = DBTaskResult.set_successful

    def refused_once(self: DBTaskResult, value: object) -> None:
        if not refusals:
            refusals.append(value)
            raise OperationalError("server closed the connection unexpectedly")
        original(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", refused_once)
    monkeypatch.setattr(worker_module.time, "sleep", lambda seconds: None)
    assert run_ready_tasks() == 1
    assert refusals == ["done"]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "done"
    assert calls == ["first call already made", "called"]  # run once, recorded once
