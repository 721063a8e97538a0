from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .session import PENDING_USER_KEY, SECOND_FACTOR_KEY

# Pages that must work before the second factor is given. The API takes bearer tokens only.
EXEMPT_PREFIXES = (
    "/accounts/sign-in/",
    "/accounts/second-factor/",
    "/accounts/sign-out/",
    "/accounts/password/",
    "/static/",
    "/healthz",
    "/api/",
)


class SecondFactorMiddleware:
    """A signed-in user whose role needs a second factor, and who has not given one in this
    session (for example, someone just made a DSL), is sent to give or set one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.session.get(SECOND_FACTOR_KEY)
            and user.needs_second_factor
        ):
            user_id = user.pk
            logout(request)
            request.session[PENDING_USER_KEY] = user_id
            return redirect("accounts:second_factor")
        return self.get_response(request)
