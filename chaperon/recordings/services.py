"""Every change to recordings: making them (called by the live room), playing them, holding
them as evidence, and who may play them. Destruction is in ``destruction.py``.

The live room calls the recording functions synchronously (through ``sync_to_async``). A
recording is begun once the room has checked everyone's consent; each participant's stream is a
track, written as it arrives by a ``TrackWriter``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.events import ConsentWithdrawn
from chaperon.consent.selectors import recording_policy_of
from chaperon.core.cases import case_exists
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.people.roles import Permission, roles_that_may_be_given, roles_with
from chaperon.sessions.models import Session
from chaperon.sessions.permissions import takes_part

from . import destruction, evidence
from .crypto import ChunkRejected
from .models import (
    LegalHold,
    Recording,
    RecordingAccess,
    RecordingAppearance,
    RecordingStatus,
    Track,
    TrackGap,
)
from .permissions import (
    access_recording,
    may_change_access,
    require_may_hold,
    require_may_play,
)
from .storage import chunk_store
from .vault import TrackWriter, cipher_of, close_interrupted_tracks, new_wrapped_key

CASE_REFERENCE_LENGTH = 64


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


# Playing --------------------------------------------------------------------------------------


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


# Holds ----------------------------------------------------------------------------------------


@logged
def recording_hold_place(
    *, actor: User, recording_id: int, case_reference: str, reason: str
) -> LegalHold:
    """Keep a recording as evidence in a safeguarding case (INC-4): nothing destroys it while
    the hold stands."""
    require_may_hold(actor)
    recording = access_recording(actor, recording_id)
    errors = {}
    case_reference = case_reference.strip()
    if not case_reference:
        errors["case_reference"] = "give the concern's reference, such as SG-2026-0001"
    elif len(case_reference) > CASE_REFERENCE_LENGTH:
        errors["case_reference"] = f"keep the reference under {CASE_REFERENCE_LENGTH} characters"
    elif case_exists(organisation_id=recording.organisation_id, reference=case_reference) is False:
        errors["case_reference"] = (
            f"there is no concern {case_reference} here: copy the reference from the concern's page"
        )
    if not reason.strip():
        errors["reason"] = "say why the recording is needed as evidence"
    if recording.destroyed:
        errors["recording"] = "this recording was already destroyed"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        if locked.destroyed:
            raise ValidationFailed({"recording": "this recording was already destroyed"})
        return evidence.place_hold(
            locked,
            case_reference=case_reference,
            reason=reason.strip(),
            placed_by=actor,
            actor=actor,
        )


@logged
def recording_hold_release(*, actor: User, hold_id: int, reason: str) -> LegalHold:
    """End a hold. If nothing else holds the recording and it is due for destruction (consent
    withdrawn and still withdrawn, or its retention ended), its destruction is queued."""
    require_may_hold(actor)
    if not reason.strip():
        raise ValidationFailed({"reason": "say why the recording is no longer needed as evidence"})
    with transaction.atomic():
        hold = (
            LegalHold.objects.select_for_update()
            .filter(pk=hold_id, organisation_id=actor.organisation_id)
            .first()
        )
        if hold is None:
            raise NotFound("No such hold.")
        if not hold.active:
            raise ValidationFailed({"hold": "this hold was already released"})
        hold.released_by = actor
        hold.released_at = timezone.now()
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_by", "released_at", "release_reason", "updated_at"])
        record(
            action=AuditAction.RECORDING_HOLD_RELEASED,
            actor=actor,
            obj=hold,
            reason=hold.release_reason,
            data={"recording": hold.recording_id, "case_reference": hold.case_reference},
        )
        destruction.queue_if_due(recording_id=hold.recording_id, actor=actor)
    return hold


# Who may play ---------------------------------------------------------------------------------


@logged
def recording_access_set(*, actor: User, roles: Sequence[str]) -> RecordingAccess:
    """Change which roles may play the organisation's recordings. The DSL always may."""
    if not may_change_access(actor):
        raise PermissionDenied("Only the DSL can change who may play recordings.")
    always = roles_with(Permission.PLAY_RECORDINGS, chosen=())
    chosen = sorted({str(role) for role in [*roles, *always]})
    if not set(chosen) <= roles_that_may_be_given(Permission.PLAY_RECORDINGS):
        raise ValidationFailed(
            {"roles": "recordings may be played only by the DSL, deputies and senior leaders"}
        )
    with transaction.atomic():
        access, _ = RecordingAccess.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id
        )
        before = sorted(access.roles)
        access.roles = chosen
        access.changed_by = actor
        access.save()
        record(
            action=AuditAction.RECORDING_ACCESS_CHANGED,
            actor=actor,
            obj=access,
            data={"before": before, "after": chosen},
        )
    return access


# Reactions ------------------------------------------------------------------------------------


@logged
def destroy_for_withdrawn_consent(event: ConsentWithdrawn) -> None:
    """Subscribed to ``ConsentWithdrawn``: queues ``destruction.destroy_for_withdrawn_consent``
    as a task that is tried again until the store lets it finish."""
    destruction.queue_for_withdrawn_consent(event)
