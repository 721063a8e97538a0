"""Under ASGI a request body is counted as it arrives: one larger than any page accepts is
answered 413 and never read whole (Django reads a body before any view or upload handler)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chaperon.asgi import application
from chaperon.core.body_limit import BodyLimit, largest_body

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 64 * 1024


def _scope(path: str, length: int | None) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/octet-stream")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def _call(app: Any, scope: dict[str, Any], chunks: int) -> tuple[list[dict[str, Any]], int]:
    """Send up to ``chunks`` body chunks; return what the app sent and how many it read."""
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= chunks:  # the body is over: the client waits for the answer
            await asyncio.Event().wait()
        read += 1
        return {"type": "http.request", "body": b"A" * CHUNK, "more_body": read < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # In a thread of its own: a browser test before this one may leave this thread's loop set.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    return sent, read


def _status(sent: list[dict[str, Any]]) -> int:
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_a_body_declared_too_large_is_refused_before_any_of_it_is_read() -> None:
    sent, read = _call(application, _scope("/report/", 300 * 1024 * 1024), chunks=10_000)
    assert _status(sent) == 413 and read == 0
    assert b"too large" in b"".join(m.get("body", b"") for m in sent)


def test_a_body_without_a_length_is_stopped_as_soon_as_it_passes_the_limit() -> None:
    limit_chunks = largest_body() // CHUNK
    sent, read = _call(application, _scope("/report/", None), chunks=limit_chunks * 20)
    assert _status(sent) == 413
    assert read <= limit_chunks + 2  # not the 20 times the limit it would have sent
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


def test_the_api_is_refused_in_json() -> None:
    app = BodyLimit(application, limit=lambda: 10 * CHUNK)
    sent, _ = _call(app, _scope("/api/learners", None), chunks=50)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413 and (b"content-type", b"application/json") in start["headers"]
    assert b'"field": "body"' in b"".join(m.get("body", b"") for m in sent)


def test_a_body_within_the_limit_reaches_the_page() -> None:
    sent, read = _call(application, _scope("/healthz", 2 * CHUNK), chunks=2)
    assert read == 2 and _status(sent) != 413
