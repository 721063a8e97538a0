from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import User


class OrganisationTimeZoneMiddleware:
    """Show every time in the signed-in user's organisation's time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User):
            timezone.activate(user.organisation.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
