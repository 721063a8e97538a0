"""Who sees the retention schedule, and who reviews and destroys records under it (LOG-2)."""

from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission


def may_see_schedule(user: User) -> bool:
    """Those who answer for what is kept: who runs the organisation, who leads safeguarding."""
    return can(user, Permission.MANAGE_ORGANISATION) or can(user, Permission.LEAD_SAFEGUARDING)


def may_manage_retention(user: User) -> bool:
    """Setting the organisation's periods, holds, reviews and destruction: the DSL's."""
    return can(user, Permission.LEAD_SAFEGUARDING)
