"""What every people service does with what it is given: validate it, naming each bad field
and the fix, and apply only the changes."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..models import (
    Group,
    Guardian,
    Learner,
    StaffMember,
    User,
)


@logged
def full_clean_or_fail(instance: Model, *, exclude: Iterable[str] = ()) -> None:
    """Validate a model; raise ``ValidationFailed`` naming each bad field and the fix."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise ValidationFailed(
            {field: " ".join(messages) for field, messages in error.message_dict.items()}
        ) from None


def validate_person(instance: StaffMember | Learner | Guardian | Group, **options: Any) -> None:
    """Validate a staff member, learner or guardian, naming a reused MIS id as such."""
    external_id = instance.external_id
    if external_id:
        others = (
            type(instance)
            .objects.filter(organisation_id=instance.organisation_id, external_id=external_id)
            .exclude(pk=instance.pk)
        )
        if others.exists():
            kind = type(instance)._meta.verbose_name
            raise ValidationFailed(
                {
                    "external_id": f"{external_id} is already the id of another {kind}; "
                    "each id belongs to one record"
                }
            )
    full_clean_or_fail(instance, **options)


def refuse_unknown(changes: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(dict.fromkeys(unknown, f"is not {what}"))


@logged
def apply_changes(instance: Model, changes: Mapping[str, Any]) -> list[str]:
    """Set each changed value on ``instance``; return the names of the fields that changed."""
    changed = []
    for field, value in changes.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return sorted(changed)


def update_person[P: (Learner, Guardian)](
    person: P,
    changes: Mapping[str, Any],
    *,
    allowed: Iterable[str],
    what: str,
    action: AuditAction,
    actor: User | SystemActor,
) -> P:
    """The one way a learner's or a guardian's details change: unknown fields refused, the row
    locked, only what changed written and audited (nothing when nothing changed). The caller
    has checked ``actor`` may."""
    refuse_unknown(changes, allowed, what)
    with transaction.atomic():
        person = type(person).objects.select_for_update().get(pk=person.pk)
        changed = apply_changes(person, changes)
        if not changed:
            return person
        validate_person(person)
        person.save()
        record(action=action, actor=actor, obj=person, data={"changed": changed})
    return person


def leaving_day(requested: date | None, *, today: date) -> date:
    """The day someone is marked as left: ``requested``, or today; never a day to come."""
    left_on = requested or today
    if left_on > today:
        raise ValidationFailed(
            {"left_on": "a day to come: mark them as left on their last day, or after it"}
        )
    return left_on


def refuse_leaving_twice(name: str, left_on: date | None) -> None:
    if left_on is not None:
        raise ValidationFailed({"left_on": f"{name} left on {left_on:%d %B %Y} already"})
