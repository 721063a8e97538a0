"""The services' refusals as JSON: 401, 403, 404 and 422, each with a ``detail`` to show; a body
that cannot be read as JSON 400, 413, 415 or 422 (``parsing.py``).

Records of another organisation are "not found" (the ``access_*`` helpers raise ``NotFound``
for them), so the API, like the pages, never says whether another organisation holds an id.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed

from .parsing import BodyRefused, too_large

UNAUTHENTICATED = (
    "Send a valid API token as 'Authorization: Bearer <token>'. "
    "Create one on the API tokens page; a revoked token no longer works."
)


def _describe(errors: Mapping[str, str]) -> str:
    return "; ".join(f"{field}: {message}" for field, message in errors.items())


def _field_of(location: Sequence[str | int]) -> str:
    """The request field a schema error is about: ``("body", "payload", "roles", 0)`` is
    ``roles``, ``("query", "limit")`` is ``limit``."""
    source, *rest = location
    if source == "body":
        rest = rest[1:]  # the view's name for the whole body
    return str(rest[0]) if rest else str(source)


def input_errors(raw: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Ninja's list of schema errors as one message per field, like ``ValidationFailed``."""
    messages: defaultdict[str, list[str]] = defaultdict(list)
    for error in raw:
        messages[_field_of(error["loc"])].append(str(error["msg"]))
    return {field: "; ".join(texts) for field, texts in messages.items()}


def register_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": UNAUTHENTICATED}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="chaperon"'
        return response

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=404)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=403)

    @api.exception_handler(ValidationFailed)
    def validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
        body = {"detail": _describe(exc.errors), "errors": exc.errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(InputError)
    def invalid_input(request: HttpRequest, exc: InputError) -> HttpResponse:
        errors = input_errors(exc.errors)
        body = {"detail": _describe(errors), "errors": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja answers any failure of the parser as "Cannot parse request body", keeping the
        # parser's own error as the cause: answer that instead, with the field it names.
        if isinstance(exc.__cause__, BodyRefused):
            return exc.__cause__.response(api, request)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large().response(api, request)
