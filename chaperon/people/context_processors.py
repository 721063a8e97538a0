from django.http import HttpRequest

from .models import User
from .permissions import can
from .roles import Permission


def viewer(request: HttpRequest) -> dict[str, object]:
    """What the page header needs: the organisation's name and which links this user may follow."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {
        "viewer_organisation": user.organisation.name,
        "viewer_can": {permission.value: can(user, permission) for permission in Permission},
    }
