"""A request body is counted as it arrives and refused once it is larger than any page accepts.

Django's ASGI handler reads a request's whole body (into memory, then a temporary file) before
any view or upload handler runs, so the upload handlers' per-field limits come too late to stop
a huge body under ASGI. ``BodyLimit`` wraps the HTTP application: a body that declares or
reaches more than ``UPLOAD_MAX_BYTES`` plus ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is answered 413 at
once, and the application is told the client went away, so no more of it is read.
"""

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Application = Callable[..., Awaitable[None]]


def largest_body() -> int:
    """The largest request body any page accepts: its largest file and its other fields."""
    return int(settings.UPLOAD_MAX_BYTES) + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    message = (
        f"The request is too large: at most {filesizeformat(limit)} may be sent. "
        "Send a smaller file."
    )
    if scope.get("path", "").startswith("/api/"):
        body = json.dumps({"detail": message, "field": "body"}).encode()
        content_type = b"application/json"
    else:
        body = message.encode()
        content_type = b"text/plain; charset=utf-8"
    # The first part of the path only: the rest may be a personal link.
    where = "/" + scope.get("path", "").strip("/").split("/")[0]
    logger.warning("request body refused: over %s bytes (%s)", limit, where)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware for HTTP: refuse a body over ``largest_body()`` as it arrives."""

    def __init__(self, application: Application, limit: Callable[[], int] = largest_body):
        self.application = application
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.application(scope, receive, send)
            return
        limit = self.limit()
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        received = 0
        refused = False
        answered = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not answered:
                        await _refuse(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            if refused:
                return  # the refusal has been sent; nothing else goes after it
            answered = True
            await send(message)

        await self.application(scope, counted_receive, watched_send)
