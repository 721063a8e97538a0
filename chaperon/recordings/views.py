from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chaperon.people.permissions import viewer_of

from . import selectors


@login_required
@require_GET
def destruction_queue(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    queued = selectors.destruction_queue_for(viewer)
    return render(
        request, "recordings/destruction_queue.html", {"nav": "recordings", "queued": queued}
    )
