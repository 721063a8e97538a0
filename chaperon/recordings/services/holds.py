"""Holding recordings as evidence in a safeguarding case (INC-4), and releasing them."""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.cases import case_exists
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User

from .. import evidence
from ..models import (
    LegalHold,
    Recording,
)
from ..permissions import (
    access_recording,
    require_may_hold,
)
from . import destruction

CASE_REFERENCE_LENGTH = 64


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
