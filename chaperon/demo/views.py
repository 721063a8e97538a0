from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chaperon.core.models import OutboxMessage
from chaperon.people.permissions import viewer_of


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """The demo's mailbox: email this installation would have sent. Only where ``OUTBOX_PAGE``
    is on (the embedded defaults, never production) and only for the demo organisation's
    staff, since the messages are not sorted by organisation."""
    viewer = viewer_of(request)
    if not settings.OUTBOX_PAGE or not viewer.organisation.is_demo:
        raise Http404
    messages_sent = OutboxMessage.objects.all()[:100]
    return render(request, "demo/outbox.html", {"messages_sent": messages_sent})
