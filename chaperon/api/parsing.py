"""Request bodies read strictly: JSON only, declared as JSON, refused with a JSON answer that
names the field (never the site's HTML error page, never a 500 further on)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.parser import Parser

from chaperon.core.pure.json_input import JsonInputError, load_json

JSON_TYPE = "application/json"


class BodyRefused(Exception):
    """The body cannot be read: answered ``status`` with ``errors`` (field to problem)."""

    def __init__(self, status: int, errors: dict[str, str]) -> None:
        self.status = status
        self.errors = errors
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in errors.items()))

    def response(self, api: NinjaAPI, request: HttpRequest) -> HttpResponse:
        body = {"detail": str(self), "errors": self.errors}
        return api.create_response(request, body, status=self.status)


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == JSON_TYPE or (kind.startswith("application/") and kind.endswith("+json"))


class JsonBodyParser(Parser):
    """A body must say it is JSON and be JSON: text, no lone surrogates, sanely nested."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not _is_json(request.content_type or ""):
            given = request.content_type or "none"
            raise BodyRefused(
                415,
                {
                    "Content-Type": f"must be {JSON_TYPE} (this request's is {given}): "
                    "send the body as JSON and say so in the header"
                },
            )
        try:
            data = load_json(request.body)
        except JsonInputError as error:
            status = 422 if error.field else 400
            raise BodyRefused(status, {error.field or "body": error.problem}) from None
        if not isinstance(data, dict):
            raise BodyRefused(422, {"body": "must be a JSON object of the operation's fields"})
        return data


def too_large() -> BodyRefused:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return BodyRefused(
        413,
        {
            "body": f"larger than the {limit:,} bytes a request may send; send less at once "
            "(a list in several requests, a CSV through the Import page)"
        },
    )
