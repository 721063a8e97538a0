"""Background work of the recordings app. Tasks take ids only and are idempotent."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from .models import Recording, RecordingStatus

# A recording still "being recorded" this long after its session was due to end has lost its
# writer (the process was killed, the server restarted): it is closed as incomplete.
ABANDONED_AFTER = timedelta(hours=2)


@task()
def destroy_expired_recordings_task() -> int:
    """Destroy recordings past their retention date (held ones are kept)."""
    from .destruction import destroy_expired

    return len(destroy_expired())


@task()
def destroy_recording_if_due_task(recording_id: int) -> str:
    from .destruction import destroy_if_due

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
