"""The family page a parent or carer opens from any email (no account, made for a phone), and
the consent managers' page for stopping a family's links."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chaperon.consent.public_views import zone_label
from chaperon.core.actors import PUBLIC
from chaperon.core.rendering import render_in_zone
from chaperon.people.permissions import viewer_of

from . import selectors, services
from .links import FamilyLinkProblem, open_family_link


def _problem(request: HttpRequest, error: FamilyLinkProblem) -> HttpResponse:
    organisation = error.guardian.organisation if error.guardian is not None else None
    return render(
        request,
        "families/link_problem.html",
        {"problem": error.problem, "message": str(error), "organisation": organisation},
        status=404 if error.problem == "invalid" else 410,
    )


@never_cache
@require_GET
def page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        key = open_family_link(token)
    except FamilyLinkProblem as error:
        return _problem(request, error)
    family = selectors.family_page_of(key.guardian)
    organisation = family.organisation
    return render_in_zone(
        request,
        "families/page.html",
        {
            "family": family,
            "organisation": organisation,
            "token": token,
            "zone_label": zone_label(organisation),
            "link_days": settings.FAMILY_LINK_DAYS,
        },
        zone=organisation.zone,
    )


@never_cache
@require_POST
def stop(request: HttpRequest, token: str) -> HttpResponse:
    try:
        key = open_family_link(token)
    except FamilyLinkProblem as error:
        return _problem(request, error)
    services.family_links_stop(actor=PUBLIC, guardian=key.guardian)
    return render(
        request,
        "families/stopped.html",
        {"organisation": key.organisation},
    )


@login_required
@require_GET
def learner(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner, guardians = selectors.family_links_for(viewer_of(request), learner_id)
    return render(
        request,
        "families/learner.html",
        {
            "nav": "learners",
            "learner": learner,
            "guardians": guardians,
            "link_days": settings.FAMILY_LINK_DAYS,
        },
    )


@login_required
@require_POST
def guardian_stop(request: HttpRequest, guardian_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    guardian = selectors.guardian_for(viewer, guardian_id)
    services.family_links_stop(actor=viewer, guardian=guardian)
    messages.success(
        request,
        f"The family page links sent to {guardian.full_name} so far no longer work. The next "
        "email to them carries a new one.",
    )
    learner_id = request.POST.get("learner", "")
    if learner_id.isdigit():
        return redirect("families:learner", learner_id=int(learner_id))
    return redirect("people:learner_list")
