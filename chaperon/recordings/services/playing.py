"""Playing a recording, for a stated reason, by the roles allowed (audited), and what is
recorded when its media fails its integrity check."""

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User

from ..crypto import ChunkRejected
from ..models import (
    Recording,
)
from ..permissions import (
    access_recording,
    require_may_play,
)


@logged
def recording_play(*, actor: User, recording_id: int, reason: str) -> Recording:
    """Let ``actor`` play a recording for ``reason``: checked and audited each time (LOG-2)."""
    require_may_play(actor)
    recording = access_recording(actor, recording_id)
    if recording.destroyed:
        raise NotFound("This recording was destroyed.")
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationFailed({"reason": "say why you need to watch this recording"})
    with transaction.atomic():
        record(
            action=AuditAction.RECORDING_PLAYED,
            actor=actor,
            obj=recording,
            reason=reason,
            data={"session": recording.session_id},
        )
    return recording


@logged
def recording_integrity_failed(*, actor: User, recording: Recording, error: ChunkRejected) -> None:
    """Log a recording that failed its integrity check when opened, so it is looked into."""
    with transaction.atomic():
        record(
            action=AuditAction.RECORDING_INTEGRITY_FAILED,
            actor=actor,
            obj=recording,
            reason=str(error)[:500],
        )
