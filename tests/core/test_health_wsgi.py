"""Under WSGI, /healthz is answered before the middleware with the view's own report; every
other request (and any other method on /healthz) still goes through Django."""

import json
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from chaperon.wsgi import application

pytestmark = pytest.mark.django_db


def _call(method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    environ = RequestFactory().generic(method, path).environ
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    # As Django's test client does: the test's connection stays open through the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_healthz_is_answered_with_the_views_report() -> None:
    status, headers, body = _call("GET", "/healthz")
    assert status == "200 OK"
    assert json.loads(body) == Client().get("/healthz").json()
    assert headers["Content-Type"] == "application/json"
    assert "no-store" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in headers

    head_status, head_headers, head_body = _call("HEAD", "/healthz")
    assert (head_status, head_body) == ("200 OK", b"")
    assert head_headers["Content-Length"] == headers["Content-Length"]


def test_other_requests_go_through_django() -> None:
    # The view refuses OPTIONS (and Django's middleware adds its headers).
    status, headers, _body = _call("OPTIONS", "/healthz")
    assert status.startswith("405")
    assert "Content-Security-Policy" in headers
    status, headers, _body = _call("GET", "/healthz/")
    assert status.startswith("404") or status.startswith("301")
    assert "Content-Security-Policy" in headers
