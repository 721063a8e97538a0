"""Who may see the recordings' destruction queue: the DSL and their deputies."""

from chaperon.core.exceptions import PermissionDenied
from chaperon.people.models import User
from chaperon.people.roles import Role

QUEUE_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})


def can_see_destruction_queue(viewer: User) -> bool:
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(QUEUE_ROLES)


def require_destruction_queue(viewer: User) -> None:
    if not can_see_destruction_queue(viewer):
        raise PermissionDenied("Only the DSL and their deputies see the destruction queue.")
