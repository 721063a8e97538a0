"""What every concern service shares: adding an entry, and saving where a concern stands."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from chaperon.people.models import User

from ..checklist import StepSpec, due_at
from ..models import Concern, ConcernEntry, ConcernStep


def add_entry(
    concern: Concern,
    *,
    kind: str,
    summary: str,
    author: User | None,
    author_label: str = "",
    text: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ConcernEntry:
    return ConcernEntry.objects.create(
        concern=concern,
        at=timezone.now(),
        author=author,
        author_label=author_label or (author.full_name if author else "Chaperon"),
        kind=kind,
        summary=summary[:300],
        text=text,
        reason=reason,
        data=data or {},
    )


def save_state(concern: Concern, *fields: str) -> None:
    """Save the named columns of where the concern stands (never its reported facts)."""
    concern.save(update_fields=[*fields, "updated_at"])


def required(value: str, field: str, message: str) -> dict[str, str]:
    return {} if value.strip() else {field: message}


def open_step(concern: Concern, spec: StepSpec, *, owner: User, now: datetime) -> ConcernStep:
    """Open a step of the checklist, owned by ``owner``, due as its spec says (working days
    in the organisation's working week and time zone)."""
    organisation = concern.organisation
    return ConcernStep.objects.create(
        concern=concern,
        key=spec.key,
        title=spec.title,
        clause=spec.clause,
        owner=owner,
        due_at=due_at(
            spec,
            now=now,
            zone=organisation.zone,
            working_days=organisation.working_days,
            working_end=organisation.working_hours_end,
        ),
        agencies=[str(agency) for agency in spec.agencies],
    )
