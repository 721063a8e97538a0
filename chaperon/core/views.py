from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import background_health

FAVICON = Path(__file__).resolve().parent / "static" / "chaperon" / "favicon.ico"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, the task worker and the scheduler are alive and alerts
    are moving; 503, saying what is wrong, when not."""
    try:
        # Its queries are the proof that the database answers.
        health = background_health(now=timezone.now())
    except Exception as error:  # any failure at all means "not healthy"
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    body = {"status": "error" if health.problems else "ok", "database": "ok", **health.facts}
    if health.problems:
        body["problems"] = health.problems
    return JsonResponse(body, status=503 if health.problems else 200)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon browsers ask for at /favicon.ico (pages link the same file as a static one)."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
