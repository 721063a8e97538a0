"""Making recordings, called by the live room: begun once the room has checked everyone's
consent, each participant's stream a track written as it arrives by a ``TrackWriter``, and
finished, or marked interrupted when its writer stopped.

The live room calls these synchronously (through ``sync_to_async``)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.selectors import recording_policy_of
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.models import Session
from chaperon.sessions.permissions import takes_part

from ..models import (
    Recording,
    RecordingAppearance,
    RecordingStatus,
    Track,
    TrackGap,
)
from ..storage import chunk_store
from ..vault import TrackWriter, cipher_of, close_interrupted_tracks, new_wrapped_key


@dataclass(frozen=True)
class Appearance:
    """Someone in a recording: a learner, a guardian or a member of staff (``user_id``)."""

    label: str
    learner_id: int | None = None
    guardian_id: int | None = None
    user_id: int | None = None


def _is_staff_on(actor: User, session: Session) -> bool:
    return session.organisation_id == actor.organisation_id and takes_part(actor, session)


def _add_appearance(recording: Recording, appearance: Appearance) -> None:
    if not appearance.label.strip():
        raise ValidationFailed({"label": "give the name shown for this person"})
    who = {
        "learner_id": appearance.learner_id,
        "guardian_id": appearance.guardian_id,
        "user_id": appearance.user_id,
    }
    same = RecordingAppearance.objects.filter(recording=recording)
    for field, value in who.items():
        same = same.filter(**{f"{field}__isnull": True} if value is None else {field: value})
    if not same.exists():
        RecordingAppearance.objects.create(
            recording=recording, label=appearance.label.strip()[:200], **who
        )


@logged
def recording_begin(
    *, actor: User, session: Session, purpose: str, appearances: Sequence[Appearance]
) -> Recording:
    """Start a recording of ``session``. The caller (the room) has checked everyone's consent;
    the actor must be staff on the session (its organiser or one of its staff)."""
    if not actor.is_active or not _is_staff_on(actor, session):
        raise PermissionDenied("Only staff on this session can record it.")
    purpose = purpose.strip()
    if not purpose:
        raise ValidationFailed({"purpose": "say why this session is recorded (REC-1)"})
    now = timezone.now()
    retention_days = recording_policy_of(session.organisation_id).retention_days
    with transaction.atomic():
        recording = Recording.objects.create(
            organisation_id=session.organisation_id,
            session=session,
            purpose=purpose,
            started_by=actor,
            started_at=now,
            retain_until=now + timedelta(days=retention_days),
        )
        wrapped = new_wrapped_key(recording)
        wrapped.save()
        for appearance in appearances:
            _add_appearance(recording, appearance)
        record(
            action=AuditAction.RECORDING_STARTED,
            actor=actor,
            obj=recording,
            reason=purpose,
            data={
                "session": session.pk,
                "appearances": len(appearances),
                "retain_until": recording.retain_until.isoformat(),
                "key_id": wrapped.key_id,
            },
        )
    return recording


@logged
def recording_add_appearance(*, recording: Recording, appearance: Appearance) -> None:
    """Someone joined a recording already under way."""
    _add_appearance(recording, appearance)


@logged
def track_open(
    *,
    recording: Recording,
    label: str,
    content_type: str = "video/webm",
    started_at: datetime | None = None,
) -> TrackWriter:
    """A new track (one participant's stream) in a recording under way."""
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        if locked.status != RecordingStatus.RECORDING:
            raise ValidationFailed({"recording": "this recording has finished"})
        number = locked.tracks.count()
        track = Track.objects.create(
            recording=locked,
            number=number,
            label=label.strip()[:200] or f"Track {number + 1}",
            content_type=content_type,
            started_at=started_at or timezone.now(),
        )
    return TrackWriter(
        track=track, recording_uuid=locked.uuid, cipher=cipher_of(locked), store=chunk_store()
    )


@logged
def track_gap(*, track_id: int, started_at: datetime, ended_at: datetime) -> None:
    """A stretch with nothing from this participant (their connection dropped)."""
    if ended_at < started_at:
        raise ValidationFailed({"ended_at": "a gap ends after it starts"})
    TrackGap.objects.create(track_id=track_id, started_at=started_at, ended_at=ended_at)


@logged
def recording_finish(*, recording: Recording) -> None:
    """The recording stopped. Tracks left open are closed as they stand: the recording is then
    incomplete. Finishing twice is harmless."""
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        if locked.status != RecordingStatus.RECORDING:
            return
        close_interrupted_tracks(locked)
        complete = not locked.tracks.filter(complete=False).exists()
        locked.status = RecordingStatus.COMPLETE if complete else RecordingStatus.INCOMPLETE
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at", "updated_at"])
        record(
            action=AuditAction.RECORDING_FINISHED,
            actor=locked.started_by,
            obj=locked,
            data={"status": locked.status, "tracks": locked.tracks.count()},
        )
    recording.status, recording.finished_at = locked.status, locked.finished_at


@logged
def recording_mark_interrupted(*, recording_id: int) -> bool:
    """A recording whose writer died (the process was killed): close its tracks at their last
    complete chunk and mark it incomplete. Returns whether it changed."""
    with transaction.atomic():
        locked = Recording.objects.select_for_update().filter(pk=recording_id).first()
        if locked is None or locked.status != RecordingStatus.RECORDING:
            return False
        close_interrupted_tracks(locked)
        locked.status = RecordingStatus.INCOMPLETE
        locked.save(update_fields=["status", "updated_at"])
        record(
            action=AuditAction.RECORDING_INTERRUPTED,
            obj=locked,
            reason="The recording stopped without being finished",
            data={"tracks": locked.tracks.count()},
        )
    return True
