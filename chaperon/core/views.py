from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import OutboxMessage


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure at all means "not healthy"
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """The local demo's mailbox. Only on when ``OUTBOX_PAGE`` is set (never in production)."""
    if not settings.OUTBOX_PAGE:
        raise Http404
    return render(request, "core/outbox.html", {"messages_sent": OutboxMessage.objects.all()[:100]})
