from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone

from chaperon.core.heartbeats import beat
from chaperon.core.models import DeliveryStatus, EmailDelivery, Heartbeat, ProcessRole
from tests.task_support import database_tasks  # noqa: F401 (fixture)


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    # Tasks run at once here (no worker to watch); nothing is waiting to be sent.
    assert response.json() == {"status": "ok", "database": "ok", "oldest_waiting_alert_s": None}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def _beats(*, worker_ago: float, scheduler_ago: float) -> None:
    now = timezone.now()
    for name, role, ago in (
        ("worker:a", ProcessRole.WORKER, worker_ago),
        ("scheduler:a", ProcessRole.SCHEDULER, scheduler_ago),
    ):
        beat(name, role, started_at=now)
        Heartbeat.objects.filter(name=name).update(beat_at=now - timedelta(seconds=ago))


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("INC-2")
@pytest.mark.usefixtures("database_tasks")
def test_healthz_reports_the_heartbeats_and_says_ok_while_they_are_fresh() -> None:
    _beats(worker_ago=3, scheduler_ago=20)
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert 3 <= body["worker"]["last_heartbeat_s"] < 60
    assert 20 <= body["scheduler"]["last_heartbeat_s"] < 60
    assert body["oldest_waiting_alert_s"] is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("INC-2")
@pytest.mark.parametrize(
    ("worker_ago", "scheduler_ago", "problem"),
    [
        (90, 1, "the worker has been silent for 90 s"),
        (1, 300, "the scheduler has been silent for 300 s"),
        (None, 1, "no worker has reported"),
    ],
)
@pytest.mark.usefixtures("database_tasks")
def test_healthz_says_503_when_a_background_process_is_silent(
    worker_ago: float | None, scheduler_ago: float, problem: str
) -> None:
    _beats(worker_ago=worker_ago or 0, scheduler_ago=scheduler_ago)
    if worker_ago is None:
        Heartbeat.objects.filter(role=ProcessRole.WORKER).delete()
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert problem in response.json()["problems"][0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("INC-2")
@override_settings(HEALTH_ALERT_MAX_WAIT_SECONDS=120)
@pytest.mark.usefixtures("database_tasks")
def test_healthz_says_503_when_an_alert_has_waited_too_long() -> None:
    _beats(worker_ago=1, scheduler_ago=1)
    waiting = EmailDelivery.objects.create(
        purpose="concern_alert", to="dsl@school.example", subject="New concern", text="Open it."
    )
    EmailDelivery.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(seconds=100)
    )
    assert Client().get("/healthz").status_code == 200  # waiting, but not too long yet
    EmailDelivery.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(seconds=150)
    )
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["oldest_waiting_alert_s"] >= 150
    assert "an alert has waited" in response.json()["problems"][0]
    # Once sent, it no longer counts; nor does other email waiting that long.
    EmailDelivery.objects.filter(pk=waiting.pk).update(status=DeliveryStatus.SENT)
    EmailDelivery.objects.create(
        purpose="consent_reminder", to="parent@home.example", subject="Reminder", text="..."
    )
    EmailDelivery.objects.filter(purpose="consent_reminder").update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    assert Client().get("/healthz").status_code == 200
