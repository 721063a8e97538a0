"""What every people service does with what it is given: validate it, naming each bad field
and the fix, and apply only the changes."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..models import (
    Guardian,
    Learner,
    StaffMember,
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


def validate_person(instance: StaffMember | Learner | Guardian, **options: Any) -> None:
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
