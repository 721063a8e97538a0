"""Which acceptable use agreement is in force, and whether someone has agreed to it (ORG-2):
reads the services, the middleware and the pages share."""

from chaperon.people.models import User
from chaperon.people.selectors import staff_member_of

from .models import Audience, AupVersion


def current_version(organisation_id: int, audience: str) -> AupVersion | None:
    """The version in force for ``audience``: the latest published."""
    return (
        AupVersion.objects.filter(organisation_id=organisation_id, audience=audience)
        .order_by("-number")
        .first()
    )


def has_signed_current(user: User) -> bool:
    """Whether ``user`` has signed the staff agreement in force: True when there is none, or
    when they are not staff (the staff agreement is not theirs to sign)."""
    version = current_version(user.organisation_id, Audience.STAFF)
    if version is None or version.signatures.filter(user=user).exists():
        return True
    return staff_member_of(user) is None
