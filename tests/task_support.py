"""Tasks kept in the database, as ``chaperon serve`` keeps them, and a worker run in the test.

Tests using these need ``django_db(transaction=True)``: the worker manages its own
transactions and connections as it does in production.
"""

from collections.abc import Iterator

import pytest
from django.tasks import task_backends
from django.test import override_settings
from django_tasks_db.backend import DatabaseBackend

from chaperon.core.worker import ResilientWorker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_tasks() -> Iterator[None]:
    """Enqueued tasks wait in the database until ``run_ready_tasks`` runs them."""
    with override_settings(TASKS=DATABASE_TASKS):
        task_backends["default"] = DatabaseBackend(
            alias="default", params=DATABASE_TASKS["default"]
        )
        try:
            yield
        finally:
            del task_backends["default"]


def run_ready_tasks(worker_id: str = "worker:test") -> int:
    """Run every task that is ready now, as ``chaperon run_worker`` would; return how many."""
    worker = ResilientWorker(
        heartbeat=False,
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.run()
    return int(worker._run_tasks)
