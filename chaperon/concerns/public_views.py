"""The public report pages: no sign-in, made for a phone. They take a report and give back its
reference number, and nothing else: never a name, never whether a child is known here.

When the database fails, the page still answers with what to do now (999, the safeguarding
contacts, CEOP) and keeps the report in the encrypted spool to raise it once the database is
back (``emergency``)."""

from functools import cache
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chaperon.core.actors import PUBLIC
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.rendering import render_in_zone
from chaperon.core.uploads import refuse_oversized, upload_limits
from chaperon.people.models import Organisation
from chaperon.people.selectors import (
    PUBLIC_SEARCH_LIMIT,
    PUBLIC_SEARCH_MIN_LENGTH,
    organisations_matching,
)
from chaperon.sessions.invitations import invitation_for_token
from chaperon.sessions.models import Invitation

from . import conf, emergency, ratelimit, services
from .forms import InvitationReportForm, PublicReportForm, ReportForm


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    organisation: Organisation | None,
    status: int = 200,
) -> HttpResponse:
    context |= {"organisation": organisation, "public": True}
    if organisation is not None:
        emergency.remember_contacts(organisation)
    zone = organisation.zone if organisation is not None else None
    return render_in_zone(request, template, context, zone=zone, status=status)


def _limited(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    return _page(
        request,
        "concerns/public/limited.html",
        {"per_hour": conf.reports_per_hour()},
        organisation=organisation,
        status=429,
    )


@cache
def _blank_fields(form_class: type[ReportForm]) -> SafeString:
    """The fields of an empty report form, drawn once per process. Every visitor is shown the
    same empty form, and drawing its thirty-odd widgets through the template engine is most
    of the page's cost; a form that was sent is drawn afresh, with what was typed and its
    errors."""
    fields = render_to_string("concerns/_report_fields.html", {"form": form_class()})
    return mark_safe(fields)  # noqa: S308  # drawn by the template engine, which escapes


def _blank_form_page(
    request: HttpRequest,
    form_class: type[ReportForm],
    *,
    organisation: Organisation,
    template_context: dict[str, Any],
) -> HttpResponse:
    """The empty form, as every visitor first sees it: no form object is made for it."""
    return _page(
        request,
        "concerns/public/report.html",
        {"form": None, "blank_fields": _blank_fields(form_class), **template_context},
        organisation=organisation,
    )


def _take(
    request: HttpRequest,
    form: ReportForm,
    *,
    organisation: Organisation,
    invitation: Invitation | None,
    template_context: dict[str, Any],
) -> HttpResponse:
    """Validate what was sent and raise; on success the reference page, otherwise the form
    again with what was typed and its errors."""
    refuse_oversized(request, form)
    if form.is_valid():
        try:
            with transaction.atomic():
                if not ratelimit.take_report(request):
                    return _limited(request, organisation)
                concern = services.concern_raise(
                    actor=PUBLIC,
                    organisation=organisation,
                    invitation=invitation,
                    **form.service_arguments(),
                )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            return _page(
                request,
                "concerns/public/received.html",
                {"reference": concern.reference, "danger": concern.immediate_danger},
                organisation=organisation,
            )
    return _page(
        request,
        "concerns/public/report.html",
        {"form": form, "blank_fields": None, **template_context},
        organisation=organisation,
        status=form_status(form),
    )


_ATTACHMENT_LIMIT = {"attachment": conf.attachment_max_bytes}


def _find(request: HttpRequest, *, problem: str = "", status: int = 200) -> HttpResponse:
    """The search for a school by name or postcode: a GET form whose results link to each
    school's own report page. Nothing lists every organisation on the server."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_CHARS]
    found: list[Organisation] = []
    if query:
        if not ratelimit.take_search(request):
            return _page(
                request,
                "concerns/public/find.html",
                {"query": query, "searched": False, "limited": conf.searches_per_hour()},
                organisation=None,
                status=429,
            )
        found = organisations_matching(query)
    return _page(
        request,
        "concerns/public/find.html",
        {
            "query": query,
            "searched": bool(query),
            "found": found,
            "too_short": bool(query) and len("".join(query.split())) < PUBLIC_SEARCH_MIN_LENGTH,
            "min_length": PUBLIC_SEARCH_MIN_LENGTH,
            "at_most": PUBLIC_SEARCH_LIMIT,
            "problem": problem,
        },
        organisation=None,
        status=status,
    )


QUERY_MAX_CHARS = 100


@never_cache
@require_http_methods(["GET", "POST"])
@emergency.on_database_fault
@upload_limits(**_ATTACHMENT_LIMIT)
def new(request: HttpRequest) -> HttpResponse:
    """/report/: find the school by name or postcode, then report on its own page. A report
    posted here names its organisation by slug (a form kept from before, or one spooled while
    the database was down); without one it is refused and the search shown."""
    if request.method == "GET":
        chosen = Organisation.objects.filter(slug=request.GET.get("organisation", "")).first()
        if chosen is not None:  # an old link that chose the organisation
            return redirect("report:for_organisation", slug=chosen.slug)
        return _find(request)
    if ratelimit.over_limit(request):
        return _limited(request, None)
    organisation = Organisation.objects.filter(slug=request.POST.get("organisation", "")).first()
    if organisation is None:
        return _find(
            request,
            problem="Find your school, college or service first: search for it by its name "
            "or postcode.",
            status=400,
        )
    form = PublicReportForm(request.POST, request.FILES)
    # Shown again (a field to put right), the form goes on from the school's own page.
    post_to = reverse("report:for_organisation", args=[organisation.slug])
    return _take(
        request,
        form,
        organisation=organisation,
        invitation=None,
        template_context={"post_to": post_to},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@emergency.on_database_fault
@upload_limits(**_ATTACHMENT_LIMIT)
def for_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """/report/<slug>/: the address an organisation publishes for its families."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if request.method == "GET":
        return _blank_form_page(
            request, PublicReportForm, organisation=organisation, template_context={}
        )
    if ratelimit.over_limit(request):
        return _limited(request, organisation)
    form = PublicReportForm(request.POST, request.FILES)
    return _take(request, form, organisation=organisation, invitation=None, template_context={})


@never_cache
@require_http_methods(["GET", "POST"])
@emergency.on_database_fault
@upload_limits(**_ATTACHMENT_LIMIT)
def from_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """/report/session/<token>/: "leave and report" from a live session; the reporter and the
    session come from their invitation."""
    invitation = invitation_for_token(token)
    if invitation is None or invitation.role == Invitation.Role.STAFF:
        return _page(
            request,
            "concerns/public/link_invalid.html",
            {},
            organisation=None,
            status=404,
        )
    organisation = invitation.session.organisation
    emergency.remember_contacts(organisation, invitation_token=token)
    context = {"reporter_name": invitation.display_name, "from_session": True}
    if request.method == "GET":
        return _blank_form_page(
            request, InvitationReportForm, organisation=organisation, template_context=context
        )
    if ratelimit.over_limit(request):
        return _limited(request, organisation)
    form = InvitationReportForm(request.POST, request.FILES)
    return _take(
        request, form, organisation=organisation, invitation=invitation, template_context=context
    )
