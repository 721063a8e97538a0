from django.http import HttpRequest

from chaperon.core.navigation import nav_for

from .models import User
from .permissions import May


def viewer(request: HttpRequest) -> dict[str, object]:
    """What the page header needs (the organisation's name and the pages this user may open)
    and ``may``, what the user's roles let them do, for every template."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {
        "viewer_organisation": user.organisation.name,
        "nav_items": nav_for(user),
        "may": May(user),
    }
