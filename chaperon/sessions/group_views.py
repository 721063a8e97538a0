"""Classes, year groups and tutor groups: the list, and each class's page with its teachers,
its learners' consents and its sessions, from which a teacher books a session for the class."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from chaperon.consent import selectors as consent_selectors
from chaperon.consent import services as consent_services
from chaperon.consent.forms import SendRequestForm
from chaperon.consent.models import Purpose
from chaperon.consent.views import report_sent
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import Form
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
            "ask_form": ClassConsentForm() if sees_consent else None,
        },
    )


class ClassConsentForm(Form):
    purposes = SendRequestForm.base_fields["purposes"]


# A class is asked in one transaction while the page waits; a year group that large is asked
# from the Consent page's year groups, a page at a time.
MAX_ASKED_AT_ONCE = 300


@login_required
@require_POST
def group_consent_send(request: HttpRequest, group_id: int) -> HttpResponse:
    """Ask for consent, in one step, for every learner of the class who has not given it for
    what is chosen and has no request still awaiting an answer."""
    viewer = viewer_of(request)
    group = group_for(viewer, group_id)
    if not can(viewer, Permission.VIEW_AND_REQUEST_CONSENT):
        raise PermissionDenied("Your role does not allow this.")
    form = ClassConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose at least one thing to ask for.")
        return redirect("classes:detail", group.pk)
    purposes = form.cleaned_data["purposes"]
    to_ask = consent_selectors.learners_not_yet_asked(
        viewer, group_learners_for(viewer, group), purposes
    )
    if not to_ask:
        messages.info(
            request, "Nobody to ask: every learner has given it or has a request awaiting."
        )
        return redirect("classes:detail", group.pk)
    if len(to_ask) > MAX_ASKED_AT_ONCE:
        messages.error(
            request,
            f"{len(to_ask)} learners to ask is more than {MAX_ASKED_AT_ONCE} at once: ask them "
            "from the Consent page's year groups, a page at a time.",
        )
        return redirect("classes:detail", group.pk)
    try:
        outcome = consent_services.consent_requests_send_bulk(
            actor=viewer, learner_ids=to_ask, purposes=purposes
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
        return redirect("classes:detail", group.pk)
    count = len(outcome.emailed)
    messages.success(
        request,
        f"{count} consent request{'s' if count != 1 else ''} for {group.name} being emailed to "
        "parents and carers: each learner's consent page says when it has gone.",
    )
    report_sent(request, outcome.needs_other_channel)
    for learner, why in outcome.skipped:
        messages.warning(request, f"{learner.full_name}: not asked, {why}")
    return redirect("classes:detail", group.pk)
