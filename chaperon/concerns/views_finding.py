"""Finding and following cases: the concerns list with its search and filters, its CSV export,
and the steps and tasks to do (overdue first)."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chaperon.core.exceptions import PermissionDenied
from chaperon.core.forms import form_status
from chaperon.core.pagination import query_without_page
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of

from . import listing, selectors
from .forms import ConcernFilterForm


def _require_handler(viewer: User) -> None:
    if not selectors.handles_any(viewer):
        raise PermissionDenied("Only the DSL and deputies handle concerns.")


@login_required
@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    _require_handler(viewer)
    form = ConcernFilterForm(request.GET or None)
    learner = listing.learner_filtered_on(viewer, request.GET.get("learner"))
    filters = replace(form.filters(), learner=learner.pk if learner else None)
    page = listing.concern_page_for(viewer, filters, request.GET.get("page"))
    return render(
        request,
        "concerns/list.html",
        {
            "nav": "concerns",
            "form": form,
            "page": page,
            "concerns": page.object_list,
            "query": query_without_page(request),
            "learner": learner,
            "anyone": query_without_page(request, "learner"),
            "organisation": viewer.organisation,
        },
        status=form_status(form),
    )


@login_required
@require_GET
def concern_export(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    _require_handler(viewer)
    form = ConcernFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return concern_list(request)
    learner = listing.learner_filtered_on(viewer, request.GET.get("learner"))
    filters = replace(form.filters(), learner=learner.pk if learner else None)
    response = HttpResponse(
        listing.concern_export_for(viewer, filters), content_type="text/csv; charset=utf-8"
    )
    name = f"concerns-{timezone.localdate(timezone=viewer.organisation.zone):%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    _require_handler(viewer)
    show = request.GET.get("show", "overdue")
    show = show if show in listing.TASK_SHOWS else "overdue"
    page = listing.tasks_page_for(viewer, show=show, page=request.GET.get("page"))
    return render(
        request,
        "concerns/tasks.html",
        {
            "nav": "concerns",
            "page": page,
            "steps": page.object_list,
            "show": show,
            "query": f"show={show}",
            "now": timezone.now(),
            "organisation": viewer.organisation,
        },
    )
