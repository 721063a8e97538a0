"""Background work of the recordings app. Tasks take ids only and are idempotent."""

from datetime import timedelta

from django.tasks import default_task_backend, task
from django.utils import timezone

from .models import Recording, RecordingStatus

# A recording still "being recorded" this long after its session was due to end has lost its
# writer (the process was killed, the server restarted): it is closed as incomplete.
ABANDONED_AFTER = timedelta(hours=2)


@task()
def destroy_expired_recordings_task() -> int:
    """Destroy recordings past their retention date (held ones are kept)."""
    from .services import destroy_expired

    return len(destroy_expired())


@task()
def destroy_recording_if_due_task(recording_id: int) -> str:
    from .services import destroy_if_due

    return "destroyed" if destroy_if_due(recording_id=recording_id) is not None else "kept"


@task()
def close_abandoned_recordings_task() -> int:
    """Mark incomplete the recordings whose writer stopped without finishing them."""
    from .services import recording_mark_interrupted

    now = timezone.now()
    closed = 0
    for recording in Recording.objects.filter(status=RecordingStatus.RECORDING).select_related(
        "session"
    ):
        if recording.session.end + ABANDONED_AFTER <= now and recording_mark_interrupted(
            recording_id=recording.pk
        ):
            closed += 1
    return closed


# Waits before each new try of a destruction that the store did not let finish: 1, 2, 4 ...
# minutes, then hourly until it does.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MOST = timedelta(hours=1)


def retry_wait(attempt: int) -> timedelta:
    return min(RETRY_MOST, RETRY_FIRST * 2 ** (attempt - 1))


@task()
def destroy_for_withdrawn_consent_task(
    organisation_id: int,
    learner_id: int,
    purposes: list[str],
    consent_ids: list[int],
    attempt: int = 1,
) -> str:
    """Destroy the recordings of a learner whose consent to recording was withdrawn (REC-7);
    what the store did not let go is tried again later, and by the hourly backstop."""
    from chaperon.consent.events import ConsentWithdrawn

    from .services.destruction import destroy_for_withdrawn_consent

    event = ConsentWithdrawn(
        organisation_id=organisation_id,
        learner_id=learner_id,
        purposes=tuple(purposes),
        consent_ids=tuple(consent_ids),
    )
    failed = destroy_for_withdrawn_consent(event)
    if not failed:
        return "done"
    if default_task_backend.supports_defer:
        destroy_for_withdrawn_consent_task.using(
            run_after=timezone.now() + retry_wait(attempt)
        ).enqueue(organisation_id, learner_id, purposes, consent_ids, attempt + 1)
    return f"{len(failed)} to try again"


@task()
def destroy_due_recordings_task() -> int:
    """The hourly backstop: destroy recordings still due after a withdrawal of consent."""
    from .services import destroy_withdrawn_leftovers

    return len(destroy_withdrawn_leftovers())
