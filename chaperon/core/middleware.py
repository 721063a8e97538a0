from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.handlers.exception import get_exception_response
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_resolver, get_urlconf

from .exceptions import NotFound, PermissionDenied


class DomainErrorMiddleware:
    """Turn the services' refusals into Django's 403 and 404 pages.

    A refusal is expected (someone followed a link they may not use): it is answered with the
    403 page here, so that Django logs it as one line ("Forbidden: /path") rather than with
    the traceback it logs for a PermissionDenied that reaches it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, PermissionDenied | DjangoPermissionDenied):
            refusal = DjangoPermissionDenied(str(exception))
            return get_exception_response(request, get_resolver(get_urlconf()), 403, refusal)
        return None


NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """Keep pages out of browser and proxy caches (the back button on a shared computer, a
    school's caching proxy): every response of the application is ``no-store`` unless its view
    says otherwise, and every response to a signed-in user (or an API token) is ``no-store``
    whatever the view says. Static files are served before this runs (WhiteNoise) and keep
    their long cache lifetimes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        stated = response.get("Cache-Control", "")
        if not stated or (signed_in and "no-store" not in stated):
            response["Cache-Control"] = NO_STORE
        return response
