"""Who sees and who names the safeguarding team (ORG-1), and who publishes the acceptable use
agreements (ORG-2)."""

from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission


def may_see_team(user: User) -> bool:
    """Every member of staff sees the team with their work email addresses."""
    return can(user, Permission.VIEW_STAFF)


def may_name_team(user: User) -> bool:
    """Naming the team's posts and the contacts published is the organisation's to set."""
    return can(user, Permission.MANAGE_ORGANISATION)


def may_publish_agreements(user: User) -> bool:
    return can(user, Permission.PUBLISH_AUP)
