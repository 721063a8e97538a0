"""Who sees what became of the organisation's email: the safeguarding leads, who must know an
alert or a notice did not go, and administrators, who correct names and addresses."""

from chaperon.core.exceptions import PermissionDenied
from chaperon.people.models import User
from chaperon.people.roles import Role

DELIVERY_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.ADMINISTRATOR})


def may_see_deliveries(viewer: User) -> bool:
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(DELIVERY_ROLES)


def require_may_see_deliveries(viewer: User) -> None:
    if not may_see_deliveries(viewer):
        raise PermissionDenied("Only the safeguarding leads and administrators see email.")
