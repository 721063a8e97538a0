"""Who may change someone's roles, or how a privileged account signs in.

Permissions (``roles.TABLE``) say who may manage staff at all: the DSL and administrators. On
top of that, changes that would open safeguarding records to someone are kept to the people
accountable for them (ORG-1):

- giving or removing a privileged role (DSL, deputy DSL, senior leader) needs someone granted
  GIVE_PRIVILEGED_ROLES (the DSL or a deputy DSL) themselves;
- changing the email address or resetting the authenticator of someone who holds a privileged
  role needs the same, since either would let the person making the change sign in as them;
- nobody changes their own roles, whatever roles they hold.

``None`` as the actor is an operator on the server's command line, who already holds the
database: it may do all of these (it is how the first DSL is made). Each refusal is audited by
the service that asked, and changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import PermissionDenied

from .models import User
from .roles import PRIVILEGED_ROLES, Permission, Role, roles_grant

OWN_ROLES = (
    "nobody changes their own roles; ask the DSL or another member of staff who manages staff"
)
LEAD_ONLY = (
    "only the DSL or a deputy DSL may give or remove the roles {roles}; ask one of them to do it"
)
LEAD_ONLY_ACCOUNT = (
    "only the DSL or a deputy DSL may change how {name} signs in, because they hold the role "
    "{roles}; ask one of them to do it"
)


class NeedsSafeguardingLead(PermissionDenied):
    """Refused by the rules above: ``str(error)`` says who may do it instead."""


def _labels(roles: Iterable[str]) -> str:
    return ", ".join(Role(role).label for role in sorted(roles))


def _is_lead(actor: User) -> bool:
    return roles_grant(actor.roles, Permission.GIVE_PRIVILEGED_ROLES)


def role_change_refusal(
    actor: User | SystemActor, *, holder: User | None, before: Iterable[str], after: Iterable[str]
) -> str | None:
    """Why ``actor`` may not change ``holder``'s roles from ``before`` to ``after`` (``holder``
    is None for someone not yet added), or None when they may."""
    changed = set(before) ^ set(after)
    if not isinstance(actor, User) or not changed:
        return None
    if holder is not None and holder.pk == actor.pk:
        return OWN_ROLES
    privileged = changed & PRIVILEGED_ROLES
    if privileged and not _is_lead(actor):
        return LEAD_ONLY.format(roles=_labels(privileged))
    return None


def sign_in_change_refusal(
    actor: User | SystemActor, *, holder: User, roles: Iterable[str]
) -> str | None:
    """Why ``actor`` may not change how ``holder`` (who holds ``roles``) signs in, or None."""
    privileged = set(roles) & PRIVILEGED_ROLES
    if not isinstance(actor, User) or not privileged or holder.pk == actor.pk or _is_lead(actor):
        return None
    return LEAD_ONLY_ACCOUNT.format(name=holder.full_name, roles=_labels(privileged))


@dataclass(frozen=True)
class Refusal:
    """A change to someone's roles or sign-in that only a safeguarding lead may make."""

    obj: Model
    why: str
    data: dict[str, Any]


def record_refusal(*, actor: User | SystemActor, refusal: Refusal) -> None:
    """Audit ``refusal``. Call it after leaving the refused change's transaction, so that the
    record stays while nothing else is written."""
    with transaction.atomic():
        record(
            action=AuditAction.STAFF_CHANGE_REFUSED,
            actor=actor,
            obj=refusal.obj,
            data={"why": refusal.why, **refusal.data},
        )


def refuse_staff_change(*, actor: User | SystemActor, refusal: Refusal) -> NeedsSafeguardingLead:
    """Audit ``refusal`` (as ``record_refusal``) and return the error to raise."""
    record_refusal(actor=actor, refusal=refusal)
    return NeedsSafeguardingLead(f"Not changed: {refusal.why}.")
