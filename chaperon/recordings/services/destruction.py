"""Destroying recordings (REC-1, REC-7, LOG-2), unless held as evidence (INC-4).

Destruction is crypto-erasure: the wrapped data key is deleted in the same transaction that
writes the destruction certificate and its audit event, so from that commit on no copy of the
ciphertext (a backup, a disk image) can be decrypted; the ciphertext itself is deleted from the
store after the commit. The certificate records the SHA-256 of the ciphertext as it was.

Destruction reads the store (for that digest), which may fail for a while (a disk, an object
store that does not answer). It therefore never runs inside the request that caused it: a
withdrawal enqueues ``destroy_for_withdrawn_consent_task``, which tries again after a growing
wait for every recording it could not destroy yet, and the hourly ``destroy_due_recordings_task``
destroys whatever is still due (a lost task, retries that ran out). Each recording is destroyed
once: ``recording_destroy`` locks its row, and a destroyed one keeps its one certificate.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.events import ConsentWithdrawn
from chaperon.consent.selectors import session_consent_facts
from chaperon.core.actors import SYSTEM, SystemActor
from chaperon.core.pure.consent import ConsentStatus
from chaperon.core.resilience import RECOVERABLE
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.people.selectors import organisation_today

from .. import notices
from ..models import (
    DataKey,
    DestructionCertificate,
    DestructionTrigger,
    LegalHold,
    Recording,
    RecordingStatus,
)
from ..storage import chunk_store
from ..vault import ciphertext_digest

logger = logging.getLogger(__name__)

RECORDING_PURPOSE = "recording"
WITHDRAWAL_REASON = "Consent to recording was withdrawn"
RETENTION_REASON = "Its retention period under the recording policy ended"
SYSTEM_LABEL = "Chaperon (recording policy)"


def _held(recording_id: int) -> bool:
    return LegalHold.objects.filter(recording_id=recording_id, released_at__isnull=True).exists()


@logged
def recording_destroy(
    *, recording_id: int, trigger: str, reason: str, actor: User | SystemActor
) -> DestructionCertificate | None:
    """Destroy a recording and certify it. Returns None, destroying nothing, while a hold
    stands; a recording already destroyed returns its certificate. The caller guarantees the
    trigger applies (retention ended, or consent withdrawn). ``SYSTEM`` destroys on the
    recording policy's behalf."""
    person = actor if isinstance(actor, User) else None
    store = chunk_store()
    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update()
            .select_related("session")
            .filter(pk=recording_id)
            .first()
        )
        if recording is None:
            return None
        if recording.destroyed:
            return DestructionCertificate.objects.filter(recording=recording).first()
        if _held(recording.pk):
            return None
        digest, size = ciphertext_digest(recording, store)
        key = DataKey.objects.filter(recording=recording).first()
        key_id = key.key_id if key else ""
        DataKey.objects.filter(recording=recording).delete()
        now = timezone.now()
        certificate = DestructionCertificate.objects.create(
            organisation_id=recording.organisation_id,
            recording=recording,
            recording_uuid=recording.uuid,
            session_title=recording.session.title,
            session_start=recording.session.start,
            recorded_at=recording.started_at,
            track_count=recording.tracks.count(),
            ciphertext_bytes=size,
            ciphertext_sha256=digest,
            key_id=key_id,
            trigger=trigger,
            reason=reason,
            destroyed_at=now,
            destroyed_by=person,
            destroyed_by_label=person.full_name if person else SYSTEM_LABEL,
        )
        recording.status = RecordingStatus.DESTROYED
        recording.destroyed_at = now
        recording.destruction_pending = ""
        recording.save(
            update_fields=["status", "destroyed_at", "destruction_pending", "updated_at"]
        )
        event = record(
            action=AuditAction.RECORDING_DESTROYED,
            actor=actor,
            actor_label="" if person else SYSTEM_LABEL,
            obj=recording,
            reason=reason,
            data={
                "certificate": certificate.pk,
                "trigger": trigger,
                "ciphertext_sha256": digest,
                "ciphertext_bytes": size,
                "key_id": key_id,
                "session": recording.session_id,
            },
        )
        DestructionCertificate.objects.filter(pk=certificate.pk).update(
            audit_seq=event.seq, audit_hash=event.hash
        )
        certificate.audit_seq, certificate.audit_hash = event.seq, event.hash
        uuid_hex = recording.uuid.hex
        transaction.on_commit(lambda: _delete_ciphertext(uuid_hex))
    return certificate


def _delete_ciphertext(uuid_hex: str) -> None:
    try:
        chunk_store().delete_recording(uuid_hex)
    except OSError:
        # The key is gone already: what is left cannot be read. Logged to be cleared by hand.
        logger.exception("recording %s: ciphertext not deleted", uuid_hex)


def _withdrawn_learners(recording: Recording) -> list[int]:
    """The learners in the recording whose consent to recording is withdrawn now."""
    learner_ids = [
        learner_id
        for learner_id in recording.appearances.values_list("learner_id", flat=True)
        if learner_id is not None
    ]
    if not learner_ids:
        return []
    facts = session_consent_facts(
        learner_ids=learner_ids,
        kind=recording.session.kind,
        on=organisation_today(recording.session.organisation),
    )
    return [pk for pk in learner_ids if facts[pk].recording == ConsentStatus.WITHDRAWN]


def queue_for_withdrawn_consent(event: ConsentWithdrawn) -> None:
    """Subscribed to ``ConsentWithdrawn`` (after the withdrawal commits): queue the destruction,
    so that a store that does not answer delays it, never the withdrawal."""
    from ..tasks import destroy_for_withdrawn_consent_task

    if RECORDING_PURPOSE not in event.purposes:
        return
    destroy_for_withdrawn_consent_task.enqueue(
        event.organisation_id, event.learner_id, list(event.purposes), list(event.consent_ids)
    )


def destroy_for_withdrawn_consent(event: ConsentWithdrawn) -> list[int]:
    """Consent to recording was withdrawn (REC-7): destroy every recording in which the learner
    appears, except those held as evidence (INC-4), which are marked to go when the hold ends.
    The learner's guardians are told the outcome. The same event handled twice does nothing
    more. Returns the recordings that could not be destroyed now (the store failed), to be
    tried again."""
    if RECORDING_PURPOSE not in event.purposes:
        return []
    recordings = list(
        Recording.objects.filter(
            organisation_id=event.organisation_id, appearances__learner_id=event.learner_id
        )
        .exclude(status=RecordingStatus.DESTROYED)
        .distinct()
        .values_list("pk", "destruction_pending")
    )
    destroyed: list[DestructionCertificate] = []
    held = 0
    failed = []
    for recording_id, pending in recordings:
        try:
            certificate = recording_destroy(
                recording_id=recording_id,
                trigger=DestructionTrigger.WITHDRAWAL,
                reason=WITHDRAWAL_REASON,
                actor=SYSTEM,
            )
        except RECOVERABLE:
            raise  # the database: the worker runs the whole task again when it answers
        except Exception:
            logger.exception("recording %s: not destroyed yet, to be tried again", recording_id)
            failed.append(recording_id)
            continue
        if certificate is not None:
            destroyed.append(certificate)
        elif not pending and _withhold(recording_id, event):
            held += 1
    if destroyed or held:
        with transaction.atomic():
            notices.queue_outcome_to_guardians(
                learner_id=event.learner_id, destroyed=destroyed, held=held
            )
    return failed


def _withhold(recording_id: int, event: ConsentWithdrawn) -> bool:
    """Mark a held recording to be destroyed when its hold ends; audited."""
    with transaction.atomic():
        marked = Recording.objects.filter(
            pk=recording_id, destruction_pending="", status__in=_LIVE_STATUSES
        ).update(destruction_pending=WITHDRAWAL_REASON)
        if not marked:
            return False
        record(
            action=AuditAction.RECORDING_DESTRUCTION_WITHHELD,
            obj=Recording.objects.get(pk=recording_id),
            actor_label=SYSTEM_LABEL,
            reason="Held as evidence in a safeguarding case",
            data={"learner": event.learner_id, "consents": sorted(event.consent_ids)},
        )
    return True


_LIVE_STATUSES = [RecordingStatus.RECORDING, RecordingStatus.COMPLETE, RecordingStatus.INCOMPLETE]


def _due(recording: Recording, now: datetime) -> tuple[str, str, list[int]] | None:
    """(trigger, reason, learners whose withdrawal it is) if the recording should go now."""
    withdrawn = _withdrawn_learners(recording)
    if withdrawn:
        return DestructionTrigger.WITHDRAWAL, WITHDRAWAL_REASON, withdrawn
    if recording.retain_until <= now:
        return DestructionTrigger.RETENTION, RETENTION_REASON, []
    return None


def queue_if_due(*, recording_id: int, actor: User) -> bool:
    """After a hold ends, inside its transaction: queue the destruction if nothing else holds
    the recording and it is due. Returns whether it was queued."""
    from ..tasks import destroy_recording_if_due_task

    recording = Recording.objects.select_related("session__organisation").get(pk=recording_id)
    if recording.destroyed or _held(recording_id):
        return False
    due = _due(recording, timezone.now())
    if due is None:
        if recording.destruction_pending:  # consent was given again since
            Recording.objects.filter(pk=recording_id).update(destruction_pending="")
        return False
    trigger, reason, _learners = due
    record(
        action=AuditAction.RECORDING_DESTRUCTION_QUEUED,
        actor=actor,
        obj=recording,
        reason=reason,
        data={"trigger": trigger},
    )
    transaction.on_commit(lambda: destroy_recording_if_due_task.enqueue(recording_id))
    return True


@logged
def destroy_if_due(*, recording_id: int, only: str | None = None) -> DestructionCertificate | None:
    """Destroy the recording if it is due (for the trigger ``only``, if given) and not held (a
    queued destruction, checked again when it runs). Guardians of learners who withdrew are
    told, with the certificate."""
    recording = (
        Recording.objects.select_related("session__organisation").filter(pk=recording_id).first()
    )
    if recording is None or recording.destroyed or _held(recording_id):
        return None
    due = _due(recording, timezone.now())
    if due is None or (only is not None and due[0] != only):
        return None
    trigger, reason, learners = due
    certificate = recording_destroy(
        recording_id=recording_id, trigger=trigger, reason=reason, actor=SYSTEM
    )
    if certificate is not None and learners:
        with transaction.atomic():
            for learner_id in learners:
                notices.queue_outcome_to_guardians(
                    learner_id=learner_id, destroyed=[certificate], held=0
                )
    return certificate


@logged
def destroy_expired(*, now: datetime | None = None) -> list[DestructionCertificate]:
    """Destroy every recording past its retention date that no hold keeps (the periodic task).
    One the store cannot read now is left for the next run."""
    now = now or timezone.now()
    due = (
        Recording.objects.filter(retain_until__lte=now, status__in=_LIVE_STATUSES)
        .order_by("retain_until")
        .values_list("pk", flat=True)
    )
    certificates = []
    for recording_id in list(due):
        try:
            certificate = recording_destroy(
                recording_id=recording_id,
                trigger=DestructionTrigger.RETENTION,
                reason=RETENTION_REASON,
                actor=SYSTEM,
            )
        except RECOVERABLE:
            raise
        except Exception:
            logger.exception("recording %s: not destroyed yet, to be tried again", recording_id)
            continue
        if certificate is not None:
            certificates.append(certificate)
    return certificates


@logged
def destroy_withdrawn_leftovers() -> list[DestructionCertificate]:
    """Destroy every recording still due because a learner in it withdrew consent (a queued
    destruction that was lost or ran out of tries); held ones stay. The hourly backstop."""
    candidates = (
        Recording.objects.filter(status__in=_LIVE_STATUSES, appearances__learner__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    certificates = []
    for recording_id in list(candidates):
        try:
            certificate = destroy_if_due(
                recording_id=recording_id, only=DestructionTrigger.WITHDRAWAL
            )
        except RECOVERABLE:
            raise
        except Exception:
            logger.exception("recording %s: not destroyed yet, to be tried again", recording_id)
            continue
        if certificate is not None:
            certificates.append(certificate)
    return certificates
