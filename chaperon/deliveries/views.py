from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chaperon.people.permissions import viewer_of

from .selectors import deliveries_page_for


@login_required
@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    page = deliveries_page_for(viewer_of(request))
    return render(request, "deliveries/list.html", {"nav": "email", "page": page})
