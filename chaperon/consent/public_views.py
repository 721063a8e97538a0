"""The pages a parent, carer or adult learner opens from a consent email: no sign-in, made for
a phone. The personal link is the only key; a link that cannot be used gets a page saying why
and what to do instead."""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status
from chaperon.core.rendering import render_in_zone
from chaperon.people.models import Organisation

from . import links, selectors, services
from .forms import AnswerForm, LinkWithdrawForm, show_errors
from .link_selectors import link_opened, receipt_by_link
from .links import LinkProblem
from .models import Answer, ConsentAccess, Purpose
from .notices import kept_as_evidence_message
from .views import receipt_json_response, receipt_pdf_response


def zone_label(organisation: Organisation) -> str:
    return "UK time" if organisation.time_zone == "Europe/London" else organisation.time_zone


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    organisation: Organisation | None,
    status: int = 200,
) -> HttpResponse:
    """Render with times in the organisation's time zone: nobody is signed in here."""
    if organisation is not None:
        context["zone_label"] = zone_label(organisation)
    zone = organisation.zone if organisation is not None else None
    return render_in_zone(request, template, context, zone=zone, status=status)


def _problem(request: HttpRequest, error: LinkProblem) -> HttpResponse:
    consent_request = error.request
    manage_url = ""
    if consent_request is not None and consent_request.access.revoked_at is None:
        manage_url = links.access_url(consent_request.access)
    organisation = consent_request.organisation if consent_request else None
    return _render(
        request,
        "consent/public/link_problem.html",
        {
            "problem": error.problem,
            "message": str(error),
            "consent_request": consent_request,
            "organisation": organisation,
            "manage_url": manage_url,
        },
        organisation=organisation,
        status=404 if error.problem == "invalid" else 410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consent_request = links.open_request(token)
    except LinkProblem as error:
        return _problem(request, error)
    if request.method == "GET":
        link_opened(consent_request, page="answer")
    form = AnswerForm(request.POST or None, purposes=consent_request.purposes)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.consent_answer_by_link(
                token=token,
                answers=form.answers(),
                slots=form.slots(),
                signed_name=form.cleaned_data["signed_name"],
            )
        except LinkProblem as error:
            return _problem(request, error)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            return redirect(
                "consent:receipt",
                token=links.access_token(consent_request.access),
                receipt_id=recorded.evidence.receipt_id,
            )
    return _render(
        request,
        "consent/public/answer.html",
        {
            "consent_request": consent_request,
            "organisation": consent_request.organisation,
            "learner": consent_request.learner,
            "statement": consent_request.statement,
            "form": form,
        },
        organisation=consent_request.organisation,
        status=form_status(form),
    )


def _open_access(request: HttpRequest, token: str) -> ConsentAccess | HttpResponse:
    try:
        return links.open_access(token)
    except LinkProblem as error:
        return _problem(request, error)


def _manage_page(
    request: HttpRequest, access: ConsentAccess, token: str, form: LinkWithdrawForm | None
) -> HttpResponse:
    statuses = selectors.current_statuses(access.learner)
    given = selectors.given_purposes(statuses)
    if form is None:
        form = LinkWithdrawForm(
            given=given,
            initial={"expected_latest": selectors.latest_evidence_id(access.learner_id)},
        )
    return _render(
        request,
        "consent/public/manage.html",
        {
            "access": access,
            "token": token,
            "organisation": access.organisation,
            "learner": access.learner,
            "statuses": statuses,
            "receipts": selectors.receipts_of(access),
            "form": form,
            "given": given,
        },
        organisation=access.organisation,
        status=form_status(form),
    )


@never_cache
@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    access = _open_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    link_opened(access, page="manage")
    return _manage_page(request, access, token, None)


@never_cache
@require_POST
def manage_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    access = _open_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    given = selectors.given_purposes(selectors.current_statuses(access.learner))
    form = LinkWithdrawForm(request.POST, given=given)
    if form.is_valid():
        try:
            services.consent_withdraw_by_link(
                token=token,
                purposes=form.cleaned_data["purposes"],
                signed_name=form.cleaned_data["signed_name"],
                reason=form.cleaned_data["reason"],
                expected_latest=form.cleaned_data["expected_latest"],
            )
        except LinkProblem as error:
            return _problem(request, error)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                "Consent withdrawn, with immediate effect. We have emailed you a confirmation.",
            )
            if Purpose.RECORDING in form.cleaned_data["purposes"]:
                kept = kept_as_evidence_message(access.learner)
                if kept:
                    messages.info(request, kept)
            return redirect("consent:manage", token=token)
    return _manage_page(request, access, token, form)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_change(request: HttpRequest, token: str) -> HttpResponse:
    access = _open_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    if request.method == "GET":
        link_opened(access, page="change")
    current = {s.purpose: s for s in selectors.current_statuses(access.learner)}
    initial: dict[str, object] = {
        "expected_latest": selectors.latest_evidence_id(access.learner_id)
    }
    for purpose, status in current.items():
        if status.consent is not None:
            given = status.consent.answer == Answer.GIVEN
            initial[purpose] = Answer.GIVEN if given else Answer.DECLINED
    form = AnswerForm(request.POST or None, purposes=access.purposes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.consent_change_by_link(
                token=token,
                answers=form.answers(),
                slots=form.slots(),
                signed_name=form.cleaned_data["signed_name"],
                expected_latest=form.cleaned_data["expected_latest"],
            )
        except LinkProblem as error:
            return _problem(request, error)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            return redirect("consent:receipt", token=token, receipt_id=recorded.evidence.receipt_id)
    return _render(
        request,
        "consent/public/change.html",
        {
            "access": access,
            "token": token,
            "organisation": access.organisation,
            "learner": access.learner,
            "statement": selectors.latest_statement(access.organisation_id),
            "form": form,
        },
        organisation=access.organisation,
        status=form_status(form),
    )


@never_cache
@require_GET
def receipt(request: HttpRequest, token: str, receipt_id: uuid.UUID) -> HttpResponse:
    access = _open_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    evidence = receipt_by_link(access, receipt_id, form="page")
    return _render(
        request,
        "consent/public/receipt.html",
        {
            "access": access,
            "token": token,
            "organisation": access.organisation,
            "learner": access.learner,
            "evidence": evidence,
        },
        organisation=access.organisation,
    )


@never_cache
@require_GET
def receipt_json(request: HttpRequest, token: str, receipt_id: uuid.UUID) -> HttpResponse:
    access = _open_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    return receipt_json_response(receipt_by_link(access, receipt_id, form="json"))


@never_cache
@require_GET
def receipt_pdf(request: HttpRequest, token: str, receipt_id: uuid.UUID) -> HttpResponse:
    access = _open_access(request, token)
    if isinstance(access, HttpResponse):
        return access
    return receipt_pdf_response(receipt_by_link(access, receipt_id, form="pdf"))


@require_GET
def statement_public(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.public_statement(slug, number)
    return _render(
        request,
        "consent/public/statement.html",
        {"version": version},
        organisation=version.organisation,
    )
