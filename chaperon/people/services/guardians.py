"""Guardians (parents and carers) and their links to learners."""

from typing import Any

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    User,
)
from ..permissions import require, require_same_organisation
from ..roles import Permission
from .common import (
    apply_changes,
    full_clean_or_fail,
    update_person,
    validate_person,
)

GUARDIAN_FIELDS = ("external_id", "full_name", "email", "phone", "preferred_contact")


@logged
def guardian_create(
    *, actor: User | SystemActor, organisation: Organisation, full_name: str, **fields: Any
) -> Guardian:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    guardian = Guardian(organisation=organisation, full_name=full_name.strip(), **fields)
    validate_person(guardian)
    with transaction.atomic():
        guardian.save()
        record(action=AuditAction.GUARDIAN_CREATED, actor=actor, obj=guardian)
    return guardian


@logged
def guardian_update(*, actor: User | SystemActor, guardian: Guardian, **changes: Any) -> Guardian:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, guardian)
    return update_person(
        guardian,
        changes,
        allowed=GUARDIAN_FIELDS,
        what="a guardian field",
        action=AuditAction.GUARDIAN_UPDATED,
        actor=actor,
    )


@logged
def guardian_link(
    *,
    actor: User | SystemActor,
    guardian: Guardian,
    learner: Learner,
    relationship: str,
    parental_responsibility: bool,
) -> GuardianRelationship:
    """Record (or change) how a guardian is related to a learner of the same organisation."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, guardian)
    require_same_organisation(actor, learner)
    if guardian.organisation_id != learner.organisation_id:
        raise ValidationFailed({"learner": "belongs to another organisation than the guardian"})
    with transaction.atomic():
        link = (
            GuardianRelationship.objects.select_for_update()
            .filter(guardian=guardian, learner=learner)
            .first()
        )
        if link is None:
            link = GuardianRelationship(
                organisation_id=guardian.organisation_id,
                guardian=guardian,
                learner=learner,
                relationship=relationship,
                parental_responsibility=parental_responsibility,
            )
            full_clean_or_fail(link, exclude=["guardian", "learner"])
            link.save()
            record(
                action=AuditAction.GUARDIAN_LINKED,
                actor=actor,
                obj=link,
                data={"guardian": guardian.pk, "learner": learner.pk},
            )
            return link
        changed = apply_changes(
            link,
            {"relationship": relationship, "parental_responsibility": parental_responsibility},
        )
        if changed:
            full_clean_or_fail(link, exclude=["guardian", "learner"])
            link.save()
            record(
                action=AuditAction.GUARDIAN_LINK_UPDATED,
                actor=actor,
                obj=link,
                data={"changed": changed},
            )
    return link


@logged
def guardian_unlink(*, actor: User | SystemActor, guardian: Guardian, learner: Learner) -> None:
    """Remove the link between a guardian and a learner (a mistaken link, or a carer who no
    longer cares for them). Both records stay; so does any consent the guardian gave, which
    is withdrawn on its own page if it should end too."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, guardian)
    require_same_organisation(actor, learner)
    with transaction.atomic():
        link = (
            GuardianRelationship.objects.select_for_update()
            .filter(guardian=guardian, learner=learner)
            .first()
        )
        if link is None:
            raise ValidationFailed({"guardian": f"{guardian} is not linked to {learner}"})
        facts = {
            "guardian": guardian.pk,
            "learner": learner.pk,
            "relationship": link.relationship,
            "parental_responsibility": link.parental_responsibility,
        }
        GuardianRelationship.objects.filter(pk=link.pk).delete()
        record(action=AuditAction.GUARDIAN_UNLINKED, actor=actor, obj=link, data=facts)


@logged
def guardian_create_for_learner(
    *,
    actor: User | SystemActor,
    learner: Learner,
    relationship: str,
    parental_responsibility: bool,
    full_name: str,
    **fields: Any,
) -> Guardian:
    """Add a guardian and link them to ``learner`` at once: both are written, or neither."""
    with transaction.atomic():
        guardian = guardian_create(
            actor=actor,
            organisation=Organisation.objects.get(pk=learner.organisation_id),
            full_name=full_name,
            **fields,
        )
        guardian_link(
            actor=actor,
            guardian=guardian,
            learner=learner,
            relationship=relationship,
            parental_responsibility=parental_responsibility,
        )
    return guardian
