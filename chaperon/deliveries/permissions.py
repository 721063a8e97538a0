"""Who sees what became of the organisation's email: the safeguarding leads, who must know an
alert or a notice did not go, and administrators, who correct names and addresses."""

from chaperon.core.exceptions import PermissionDenied
from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission


def may_see_deliveries(viewer: User) -> bool:
    return can(viewer, Permission.SEE_EMAIL_DELIVERIES)


def require_may_see_deliveries(viewer: User) -> None:
    if not may_see_deliveries(viewer):
        raise PermissionDenied("Only the safeguarding leads and administrators see email.")
