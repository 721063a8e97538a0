from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone

from chaperon.core import scheduling
from chaperon.core.models import PeriodicRun

pytestmark = pytest.mark.django_db

runs: list[str] = []


@task()
def tidy_up_task() -> None:
    runs.append("tidy")


@pytest.fixture(autouse=True)
def only_this_task(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduling, "_registry", {})
    scheduling.register_periodic(tidy_up_task, every=timedelta(hours=1))
    runs.clear()


def test_a_periodic_task_runs_when_due_and_not_before() -> None:
    assert scheduling.enqueue_due() == [tidy_up_task.module_path]
    assert runs == ["tidy"]
    assert scheduling.enqueue_due() == []
    assert runs == ["tidy"]
    later = timezone.now() + timedelta(hours=1, seconds=1)
    with mock.patch("chaperon.core.scheduling.timezone.now", return_value=later):
        assert scheduling.enqueue_due() == [tidy_up_task.module_path]
    assert runs == ["tidy", "tidy"]
    assert PeriodicRun.objects.get().last_enqueued_at == later


@pytest.mark.django_db(transaction=True)  # the scheduler looks after its own connection
def test_the_scheduler_command_enqueues_once() -> None:
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert f"enqueued {tidy_up_task.module_path}" in out.getvalue()
    assert runs == ["tidy"]
