"""Who sends and receives child protection files: the DSL and deputies (INC-8)."""

from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission


def may_transfer(user: User) -> bool:
    return can(user, Permission.TRANSFER_CHILD_PROTECTION_FILES)
