"""Learners: adding them and changing their details."""

from datetime import date
from typing import Any

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.actors import SystemActor
from chaperon.core.service_log import logged

from ..events import LearnerLeft
from ..models import (
    Learner,
    Organisation,
    User,
)
from ..permissions import require, require_same_organisation
from ..roles import Permission
from .common import leaving_day, refuse_leaving_twice, update_person, validate_person

LEARNER_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "adult_at_risk",
    "year_group",
    "tutor_group",
    "site",
    "email",
)


@logged
def learner_create(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    **fields: Any,
) -> Learner:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    learner = Learner(
        organisation=organisation,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        **fields,
    )
    validate_person(learner)
    with transaction.atomic():
        learner.save()
        record(action=AuditAction.LEARNER_CREATED, actor=actor, obj=learner)
    return learner


@logged
def learner_update(*, actor: User | SystemActor, learner: Learner, **changes: Any) -> Learner:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, learner)
    return update_person(
        learner,
        changes,
        allowed=LEARNER_FIELDS,
        what="a learner field",
        action=AuditAction.LEARNER_UPDATED,
        actor=actor,
    )


@logged
def learner_mark_left(
    *, actor: User | SystemActor, learner: Learner, left_on: date | None = None
) -> Learner:
    """Record that ``learner`` left on ``left_on`` (today by default; never a day to come).
    Nobody can book them again, ``LearnerLeft`` takes them off the sessions still to come, and
    everything recorded about them stays (consents, sessions, concerns, their chronology)."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, learner)
    left_on = leaving_day(left_on, today=learner.organisation.today())
    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        refuse_leaving_twice(learner.full_name, learner.left_on)
        learner.left_on = left_on
        learner.save(update_fields=["left_on", "updated_at"])
        record(
            action=AuditAction.LEARNER_LEFT,
            actor=actor,
            obj=learner,
            data={"left_on": left_on.isoformat()},
        )
        events.publish(LearnerLeft(organisation_id=learner.organisation_id, learner_id=learner.pk))
    return learner
