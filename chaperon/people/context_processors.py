from django.http import HttpRequest

from chaperon.core.navigation import nav_for

from .models import User


def viewer(request: HttpRequest) -> dict[str, object]:
    """What the page header needs: the organisation's name and the pages this user may open."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"viewer_organisation": user.organisation.name, "nav_items": nav_for(user)}
