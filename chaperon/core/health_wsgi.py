"""``/healthz`` answered before Django's middleware, under WSGI.

Monitors and load balancers ask ``/healthz`` every few seconds on every process; the answer
needs one query and none of what the middleware does for a page (sessions, CSRF, the viewer,
the organisation's time zone, the content security policy). ``HealthFirst`` wraps the WSGI
application and answers a GET or HEAD of exactly ``/healthz`` itself, with the same report as
the view (``chaperon.core.health.health_report``), inside Django's request signals so that the
connection goes back to its pool as after any request. Everything else goes to Django.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core import signals
from django.utils import timezone

from .health import health_report

StartResponse = Callable[..., Any]
WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

REASONS = {200: "200 OK", 503: "503 Service Unavailable"}
HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
]


class HealthFirst:
    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != "/healthz" or method not in {"GET", "HEAD"}:
            return self.application(environ, start_response)
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            status, body = health_report(now=timezone.now())
        finally:
            signals.request_finished.send(sender=self.__class__)
        content = json.dumps(body).encode()
        start_response(REASONS[status], [*HEADERS, ("Content-Length", str(len(content)))])
        return [b"" if method == "HEAD" else content]
