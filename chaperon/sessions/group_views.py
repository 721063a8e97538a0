"""Classes, year groups and tutor groups: the list, and each class's page with its teachers,
its learners' consents and its sessions, from which a teacher books a session for the class."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chaperon.consent import selectors as consent_selectors
from chaperon.consent.models import Purpose
from chaperon.core.pagination import page_of
from chaperon.people.group_selectors import (
    group_for,
    group_learners_for,
    group_teachers,
    groups_visible_to,
)
from chaperon.people.models import GroupKind
from chaperon.people.permissions import can, viewer_of
from chaperon.people.roles import Permission

from . import selectors
from .permissions import may_book

SEARCH_MAX_CHARACTERS = 100


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "")[:SEARCH_MAX_CHARACTERS]
    listing = page_of(groups_visible_to(viewer, kind=kind, search=search), request)
    return render(
        request,
        "sessions/group_list.html",
        {
            "nav": "classes",
            "listing": listing,
            "kinds": GroupKind.choices,
            "kind": kind,
            "q": search,
        },
    )


@login_required
@require_GET
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """The class's learners (a page at a time, with their consents: reading them is audited),
    how many of them have each consent, its teachers and its sessions to come."""
    viewer = viewer_of(request)
    group = group_for(viewer, group_id)
    learners = group_learners_for(viewer, group)
    listing = page_of(learners, request)
    sees_consent = can(viewer, Permission.VIEW_AND_REQUEST_CONSENT)
    rows = consent_selectors.group_rows_for(viewer, listing.rows) if sees_consent else []
    return render(
        request,
        "sessions/group_detail.html",
        {
            "nav": "classes",
            "group": group,
            "listing": listing,
            "sees_consent": sees_consent,
            "rows": rows,
            "purposes": list(Purpose),
            "summary": consent_selectors.learners_summary_for(viewer, learners)
            if sees_consent
            else [],
            "teachers": list(group_teachers(group)),
            "sessions": selectors.group_sessions_for(viewer, group.pk),
            "may_book": may_book(viewer) and group.ended_on is None,
        },
    )
