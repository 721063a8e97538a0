"""Allegations about staff (INC-10): a concern re-classified as one when it turns out to be
about a member of staff, the LADO referral within one working day, and the suspension of the
member of staff from hosting and joining sessions while it is looked into.

A suspension is told to the sessions app as a change to the staff member's record
(``StaffChanged``): their upcoming sessions are judged again, and the policy and the live room
refuse them from then on, without saying why (``chaperon.core.cases.suspended_staff``).
"""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.events import StaffChanged
from chaperon.people.models import User

from .. import alerts
from ..checklist import LADO
from ..models import (
    Concern,
    ConcernKind,
    ConcernStep,
    EntryKind,
    StaffSuspension,
    Status,
)
from ..permissions import access_concern, is_staff, leads_case, may_grant_access, may_open
from .common import add_entry, open_step, required, save_state


def open_lado_step(concern: Concern, *, owner: User | None) -> ConcernStep | None:
    """An allegation's referral to the LADO, due by the end of the next working day; owned by
    ``owner``, or by the first of those told of the allegation. Opened once."""
    if concern.kind != ConcernKind.ALLEGATION or concern.steps.filter(key=LADO.key).exists():
        return None
    owner = owner or next(iter(alerts.leads_for(concern)), None)
    if owner is None:
        return None  # nobody to own it yet: the triage opens it
    return open_step(concern, LADO, owner=owner, now=timezone.now())


def _check_subject(actor: User, concern: Concern, subject: User, reason: str) -> None:
    errors = required(reason, "reason", "say why it is an allegation about this member of staff")
    if subject.organisation_id != concern.organisation_id or not is_staff(subject):
        errors["subject_staff"] = "choose a member of staff of your organisation"
    elif subject.pk == actor.pk:
        errors["subject_staff"] = (
            "an allegation about you is for a senior leader to raise and handle: ask one"
        )
    elif concern.restricted and concern.subject_staff_id == subject.pk:
        errors["subject_staff"] = f"it is already an allegation about {subject.full_name}"
    if errors:
        raise ValidationFailed(errors)


@logged
@transaction.atomic
def concern_reclassify_as_allegation(
    *, actor: User, concern: Concern, subject_staff: User, reason: str
) -> Concern:
    """Make the concern an allegation about ``subject_staff``, with the reason: from now on it
    is restricted (the DSL and those named on it, never the member of staff), and the LADO
    referral step opens, due within one working day. An entry keeps what it was before."""
    concern = Concern.objects.select_for_update().select_related("organisation").get(pk=concern.pk)
    if not may_open(actor, concern):
        raise NotFound("No such concern.")
    if not leads_case(actor, concern):
        raise PermissionDenied("Only the DSL re-classifies a concern as an allegation about staff.")
    if concern.status == Status.CLOSED:
        raise ValidationFailed({"concern": "this concern is closed; nothing more can be added"})
    _check_subject(actor, concern, subject_staff, reason)
    before = {"kind": concern.kind, "subject_staff_id": concern.subject_staff_id}
    concern.kind, concern.subject_staff = ConcernKind.ALLEGATION, subject_staff
    save_state(concern, "kind", "subject_staff")
    if not may_open(actor, concern):
        raise ValidationFailed(
            {"subject_staff": "you could no longer see this case: ask a senior leader"}
        )
    add_entry(
        concern,
        kind=EntryKind.RECLASSIFIED,
        summary=f"Re-classified as an allegation about {subject_staff.full_name}",
        author=actor,
        reason=reason.strip(),
        data={
            "kind": {"from": before["kind"], "to": concern.kind},
            "subject_staff_id": {"from": before["subject_staff_id"], "to": subject_staff.pk},
        },
    )
    record(
        action=AuditAction.CONCERN_RECLASSIFIED,
        actor=actor,
        obj=concern,
        reason=reason.strip(),
        data={"from": before["kind"], "subject_staff": subject_staff.pk},
    )
    open_lado_step(concern, owner=actor)
    return concern


def _publish_staff_changed(user: User) -> None:
    events.publish(StaffChanged(organisation_id=user.organisation_id, user_id=user.pk))


@logged
@transaction.atomic
def staff_suspend(*, actor: User, concern: Concern, reason: str) -> StaffSuspension:
    """Suspend the member of staff an open allegation is about from hosting and joining
    sessions, until lifted (INC-10). For the DSL (or, for an allegation about a DSL, a senior
    leader)."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not may_open(actor, concern):
        raise NotFound("No such concern.")
    if not may_grant_access(actor, concern):
        raise PermissionDenied("Only the DSL suspends a member of staff from sessions.")
    errors = required(reason, "reason", "say why they may not run sessions while this is open")
    subject = concern.subject_staff
    if concern.status == Status.CLOSED:
        errors["concern"] = "this allegation is closed"
    elif subject is None:
        errors["concern"] = "name the member of staff the allegation is about first"
    elif StaffSuspension.objects.filter(
        concern=concern, user=subject, lifted_at__isnull=True
    ).exists():
        errors["concern"] = f"{subject.full_name} is already suspended"
    if errors or subject is None:
        raise ValidationFailed(errors)
    suspension = StaffSuspension.objects.create(
        organisation_id=concern.organisation_id,
        concern=concern,
        user=subject,
        reason=reason.strip(),
        suspended_by=actor,
        suspended_at=timezone.now(),
    )
    add_entry(
        concern,
        kind=EntryKind.SUSPENDED,
        summary=f"{subject.full_name} suspended from hosting and joining sessions",
        author=actor,
        reason=suspension.reason,
        data={"user_id": subject.pk, "suspension": suspension.pk},
    )
    record(
        action=AuditAction.STAFF_SUSPENDED,
        actor=actor,
        obj=suspension,
        reason=suspension.reason,
        data={"concern": concern.pk, "user": subject.pk},
    )
    _publish_staff_changed(subject)
    return suspension


@logged
@transaction.atomic
def staff_suspension_lift(
    *, actor: User, concern_id: int, suspension_id: int, reason: str
) -> StaffSuspension:
    """Lift a suspension, with the reason. Possible whatever the allegation's state."""
    concern = access_concern(actor, concern_id)
    if not may_grant_access(actor, concern):
        raise PermissionDenied("Only the DSL lifts a suspension from sessions.")
    suspension = (
        StaffSuspension.objects.select_for_update()
        .select_related("user")
        .filter(pk=suspension_id, concern=concern)
        .first()
    )
    if suspension is None:
        raise NotFound("No such suspension.")
    errors = required(reason, "lift_reason", "say why they may run sessions again")
    if not suspension.standing:
        errors["suspension"] = "this suspension was already lifted"
    if errors:
        raise ValidationFailed(errors)
    suspension.lifted_by, suspension.lifted_at = actor, timezone.now()
    suspension.lift_reason = reason.strip()
    suspension.save(update_fields=["lifted_by", "lifted_at", "lift_reason", "updated_at"])
    add_entry(
        concern,
        kind=EntryKind.SUSPENSION_ENDED,
        summary=f"Suspension of {suspension.user.full_name} from sessions lifted",
        author=actor,
        reason=suspension.lift_reason,
        data={"user_id": suspension.user_id, "suspension": suspension.pk},
    )
    record(
        action=AuditAction.STAFF_SUSPENSION_LIFTED,
        actor=actor,
        obj=suspension,
        reason=suspension.lift_reason,
        data={"concern": concern.pk, "user": suspension.user_id},
    )
    _publish_staff_changed(suspension.user)
    return suspension


def suspended_among(user_ids: frozenset[int]) -> frozenset[int]:
    """Those of ``user_ids`` with a suspension standing (registered with core.cases)."""
    return frozenset(
        StaffSuspension.objects.filter(user_id__in=user_ids, lifted_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
