"""Reactions of the recordings app to what other apps tell it."""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.events import ConsentWithdrawn

from .models import DestructionRequest, DestructionStatus

RECORDING_PURPOSE = "recording"


def destruction_queue_for_withdrawn_consent(event: ConsentWithdrawn) -> None:
    """Queue the destruction of the learner's recordings when consent to recording is
    withdrawn (REC-7). Subscribed to ``ConsentWithdrawn``; runs after the withdrawal commits.
    The same event delivered twice queues one request.

    The vault replaces the body with the destruction itself, sparing recordings held as
    evidence in a safeguarding case (INC-4)."""
    if RECORDING_PURPOSE not in event.purposes:
        return
    consent_ids = sorted(event.consent_ids)
    with transaction.atomic():
        already = DestructionRequest.objects.filter(
            learner_id=event.learner_id, consent_ids=consent_ids
        ).exists()
        if already:
            return
        queued = DestructionRequest.objects.create(
            organisation_id=event.organisation_id,
            learner_id=event.learner_id,
            reason="Consent to recording withdrawn",
            requested_at=timezone.now(),
            status=DestructionStatus.QUEUED,
            consent_ids=consent_ids,
        )
        record(
            action=AuditAction.RECORDING_DESTRUCTION_QUEUED,
            obj=queued,
            reason=queued.reason,
            data={"learner": event.learner_id, "consents": consent_ids},
        )
