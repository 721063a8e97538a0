from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report

FAVICON = Path(__file__).resolve().parent / "static" / "chaperon" / "favicon.ico"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, the task worker and the scheduler are alive and alerts
    are moving; 503, saying what is wrong, when not. (Under WSGI, ``chaperon.core.health_wsgi``
    answers before the middleware, with the same report.)"""
    status, body = health_report(now=timezone.now())
    return JsonResponse(body, status=status)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon browsers ask for at /favicon.ico (pages link the same file as a static one)."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
