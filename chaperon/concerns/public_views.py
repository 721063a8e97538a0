"""The public report pages: no sign-in, made for a phone. They take a report and give back its
reference number, and nothing else: never a name, never whether a child is known here.

When the database fails, the page still answers with what to do now (999, the safeguarding
contacts, CEOP) and keeps the report in the encrypted spool to raise it once the database is
back (``emergency``)."""

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chaperon.core.actors import PUBLIC
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.rendering import render_in_zone
from chaperon.core.uploads import refuse_oversized, upload_limits
from chaperon.people.models import Organisation
from chaperon.sessions.invitations import invitation_for_token
from chaperon.sessions.models import Invitation

from . import conf, emergency, ratelimit, services
from .forms import InvitationReportForm, PublicReportForm, ReportForm


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("name"))


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


def _take(
    request: HttpRequest,
    form: ReportForm,
    *,
    organisation: Organisation | None,
    invitation: Invitation | None,
    template_context: dict[str, Any],
) -> HttpResponse:
    """Validate and raise; on success the reference page, otherwise the form again."""
    if request.method == "POST":
        refuse_oversized(request, form)
    if request.method == "POST" and form.is_valid():
        if organisation is None:
            slug = form.cleaned_data.get("organisation", "")
            organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is not None:
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
        else:
            form.add_error("organisation", "choose your school, college or service")
    return _page(
        request,
        "concerns/public/report.html",
        {"form": form, **template_context},
        organisation=organisation,
        status=form_status(form),
    )


_ATTACHMENT_LIMIT = {"attachment": conf.attachment_max_bytes}


@never_cache
@require_http_methods(["GET", "POST"])
@emergency.on_database_fault
@upload_limits(**_ATTACHMENT_LIMIT)
def new(request: HttpRequest) -> HttpResponse:
    """/report/: the organisation is chosen on the form."""
    if request.method == "POST" and ratelimit.over_limit(request):
        return _limited(request, None)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    chosen = request.GET.get("organisation", "")
    form = PublicReportForm(
        data, files, organisations=_organisations(), initial={"organisation": chosen}
    )
    return _take(request, form, organisation=None, invitation=None, template_context={})


@never_cache
@require_http_methods(["GET", "POST"])
@emergency.on_database_fault
@upload_limits(**_ATTACHMENT_LIMIT)
def for_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """/report/<slug>/: the address an organisation publishes for its families."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if request.method == "POST" and ratelimit.over_limit(request):
        return _limited(request, organisation)
    form = PublicReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
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
    if request.method == "POST" and ratelimit.over_limit(request):
        return _limited(request, organisation)
    form = InvitationReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    return _take(
        request,
        form,
        organisation=organisation,
        invitation=invitation,
        template_context={"reporter_name": invitation.display_name, "from_session": True},
    )
