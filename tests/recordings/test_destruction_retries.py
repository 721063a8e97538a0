"""A withdrawal never waits on the vault's store (REC-1, REC-7): the recordings are destroyed by
a task, tried again while the store fails, and certified once when it works."""

from datetime import timedelta

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chaperon.consent.models import Consent
from chaperon.recordings import tasks
from chaperon.recordings.models import DestructionCertificate, Recording, RecordingStatus
from chaperon.recordings.storage import LocalChunkStore
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for
from tests.task_support import database_tasks, run_ready_tasks  # noqa: F401 (fixture)

from .helpers import make_recording, media

pytestmark = [
    pytest.mark.clause("REC-1"),
    pytest.mark.clause("REC-7"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks"),
]


class StoreDown:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        monkeypatch.setattr(LocalChunkStore, "count_chunks", self._refuse)

    @staticmethod
    def _refuse(*args: object) -> int:
        raise OSError(5, "Input/output error")

    def back(self) -> None:
        self.monkeypatch.undo()


def _withdraw_on_the_page(cast: Cast) -> int:
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/withdraw/",
        {
            "purposes": ["recording"],
            "withdrawn_by_name": "Morgan Alder",
            "guardian": str(cast.guardian.pk),
            "channel": "phone",
            "reason": "No longer want Robin recorded",
        },
    )
    return response.status_code


def _retries_due_now() -> None:
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


def _guardian_told() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "Recordings of" in str(m.subject)]


def test_a_store_failing_during_withdrawal_delays_the_destruction_not_the_withdrawal(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    consent_for(cast.learner, cast.dsl, purposes=["live_group"], recording=True)
    run_ready_tasks()
    recording = make_recording(cast, tracks=[media(5000)])
    store = StoreDown(monkeypatch)

    assert _withdraw_on_the_page(cast) == 302  # answered as usual
    assert (
        Consent.objects.filter(
            learner=cast.learner, purpose="recording", superseded_at__isnull=True
        )
        .get()
        .answer
        == "withdrawn"
    )
    run_ready_tasks()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE  # not yet: the store failed
    assert not DestructionCertificate.objects.exists()
    [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["args"][-1] == 2  # the second try, after a wait

    _retries_due_now()
    run_ready_tasks()  # the store still fails: tried again later
    assert not DestructionCertificate.objects.exists()

    store.back()
    mail.outbox.clear()
    _retries_due_now()
    run_ready_tasks()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DESTROYED
    [certificate] = DestructionCertificate.objects.all()
    assert certificate.trigger == "withdrawal"
    assert len(_guardian_told()) == 1

    # Nothing is left to try, and the hourly backstop finds nothing more to do.
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    tasks.destroy_due_recordings_task.call()
    assert DestructionCertificate.objects.count() == 1
    assert len(_guardian_told()) == 1


def test_the_hourly_backstop_destroys_what_a_lost_task_left(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    consent_for(cast.learner, cast.dsl, purposes=["live_group"], recording=True)
    run_ready_tasks()
    recording = make_recording(cast, tracks=[media(5000)])
    assert _withdraw_on_the_page(cast) == 302
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()  # lost
    assert tasks.destroy_due_recordings_task.call() == 1
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.DESTROYED
    assert DestructionCertificate.objects.count() == 1
    assert tasks.destroy_due_recordings_task.call() == 0
