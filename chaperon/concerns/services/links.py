"""A concern shown on another learner's chronology (a sibling, a family member), where the DSL
chooses: linked with the relation and the reason, ended the same way; each audited. The link
never widens who may see the concern: the chronology shows it only to those who may open it."""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Learner, User

from ..models import Concern, ConcernLink, EntryKind, LinkRelation, Status
from ..permissions import access_concern, leads_case
from .common import add_entry, required


def _require_lead(actor: User, concern: Concern) -> None:
    if not leads_case(actor, concern):
        raise PermissionDenied("Only the DSL links a concern to another learner.")


@logged
@transaction.atomic
def concern_link_learner(
    *, actor: User, concern: Concern, learner: Learner, relation: str, reason: str
) -> ConcernLink:
    """Show the concern on ``learner``'s chronology as well, for the reason given."""
    concern = access_concern(actor, concern.pk)
    _require_lead(actor, concern)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    errors = required(reason, "reason", "say why it belongs on their chronology too")
    if concern.status == Status.CLOSED:
        errors["concern"] = "this concern is closed; nothing more can be added"
    if relation not in LinkRelation.values:
        errors["relation"] = "say how they are connected"
    if learner.organisation_id != concern.organisation_id:
        errors["learner"] = "choose a learner of your organisation"
    elif learner.pk == concern.learner_id:
        errors["learner"] = "the concern is about this learner already"
    elif ConcernLink.objects.filter(
        concern=concern, learner=learner, ended_at__isnull=True
    ).exists():
        errors["learner"] = f"it is on {learner.full_name}'s chronology already"
    if errors:
        raise ValidationFailed(errors)
    link = ConcernLink.objects.create(
        concern=concern,
        learner=learner,
        relation=relation,
        reason=reason.strip(),
        linked_by=actor,
        linked_at=timezone.now(),
    )
    add_entry(
        concern,
        kind=EntryKind.LINKED,
        summary=f"Shown on the chronology of {learner.full_name} "
        f"({link.get_relation_display().lower()})",
        author=actor,
        reason=link.reason,
        data={"learner_id": learner.pk, "relation": relation, "link": link.pk},
    )
    record(
        action=AuditAction.CONCERN_LINKED,
        actor=actor,
        obj=concern,
        reason=link.reason,
        data={"learner": learner.pk, "relation": relation},
    )
    return link


@logged
@transaction.atomic
def concern_link_end(*, actor: User, concern: Concern, link_id: int, reason: str) -> ConcernLink:
    """Stop showing the concern on another learner's chronology, for the reason given."""
    concern = access_concern(actor, concern.pk)
    _require_lead(actor, concern)
    link = (
        ConcernLink.objects.select_for_update()
        .select_related("learner")
        .filter(pk=link_id, concern=concern)
        .first()
    )
    if link is None:
        raise NotFound("No such link.")
    errors = required(reason, "end_reason", "say why it no longer belongs on their chronology")
    if link.ended_at is not None:
        errors["link"] = "this link was already ended"
    if errors:
        raise ValidationFailed(errors)
    link.ended_by, link.ended_at = actor, timezone.now()
    link.save(update_fields=["ended_by", "ended_at"])
    add_entry(
        concern,
        kind=EntryKind.UNLINKED,
        summary=f"No longer shown on the chronology of {link.learner.full_name}",
        author=actor,
        reason=reason.strip(),
        data={"learner_id": link.learner_id, "link": link.pk},
    )
    record(
        action=AuditAction.CONCERN_LINK_ENDED,
        actor=actor,
        obj=concern,
        reason=reason.strip(),
        data={"learner": link.learner_id},
    )
    return link
