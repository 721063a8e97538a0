"""The trust pages: which trusts the viewer holds a role in, and each trust's overview."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from chaperon.people.permissions import viewer_of
from chaperon.people.selectors import trusts_of

from .selectors import trust_overview_for


@login_required
@require_GET
def trust_list(request: HttpRequest) -> HttpResponse:
    """/trusts/: straight to the overview for someone with a role in one trust."""
    trusts = trusts_of(viewer_of(request))
    if not trusts:
        raise Http404("You hold no role in a trust.")
    if len(trusts) == 1:
        return redirect("trusts:overview", trust_id=trusts[0].pk)
    return render(request, "trusts/list.html", {"nav": "trust", "trusts": trusts})


@login_required
@require_GET
def overview(request: HttpRequest, trust_id: int) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    found = trust_overview_for(
        viewer_of(request), trust_id, query=query, page=request.GET.get("page")
    )
    return render(
        request,
        "trusts/overview.html",
        {
            "nav": "trust",
            "overview": found,
            "search": urlencode({"q": found.query}) if found.query else "",
        },
    )
