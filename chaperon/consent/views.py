"""Staff pages of consent. Thin: parse input, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status
from chaperon.people.models import Learner, User
from chaperon.people.permissions import viewer_of
from chaperon.people.roles import Permission
from chaperon.people.selectors import organisation_today

from . import selectors, services
from .answerers import answerers_of
from .forms import (
    OwnRecordingForm,
    RecordConsentForm,
    SendRequestForm,
    StaffWithdrawForm,
    show_errors,
)
from .models import ConsentEvidence, ConsentRequest, RequestStatus
from .permissions import access_learner
from .receipt_pdf import receipt_pdf, receipt_pdf_filename
from .receipts import receipt_filename


def _send_form(learner: Learner, data: object = None) -> SendRequestForm:
    who = answerers_of(learner, today=organisation_today(learner.organisation))
    return SendRequestForm(
        data,
        guardians=who.guardians,
        learner_answers=who.learner_answers,
        learner_email=learner.email,
    )


def _learner_page(
    request: HttpRequest, viewer: User, learner_id: int, *, send_form: SendRequestForm | None
) -> HttpResponse:
    page = selectors.learner_consents_for(viewer, learner_id)
    return render(
        request,
        "consent/learner.html",
        {
            "nav": "consent",
            "page": page,
            "send_form": send_form or _send_form(page.learner),
            "any_given": bool(selectors.given_purposes(page.statuses)),
        },
        status=200 if send_form is None else 400,
    )


@login_required
@require_GET
def learner_consents(request: HttpRequest, learner_id: int) -> HttpResponse:
    return _learner_page(request, viewer_of(request), learner_id, send_form=None)


def report_sent(request: HttpRequest, sent: list[ConsentRequest]) -> None:
    for consent_request in sent:
        if consent_request.status == RequestStatus.AWAITING:
            messages.success(
                request,
                f"Consent request to {consent_request.recipient_name} "
                f"({consent_request.recipient_email}) is being emailed: its state below says "
                "when it has gone, or if it could not be sent.",
            )
        else:
            messages.warning(
                request,
                f"{consent_request.recipient_name} has no email address, so nothing was sent. "
                "Phone them or give them the paper form, then record their answer with "
                "“Record consent given another way”.",
            )


@login_required
@require_POST
def learner_send(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id, Permission.VIEW_AND_REQUEST_CONSENT)
    form = _send_form(learner, request.POST)
    if form.is_valid():
        try:
            sent = services.consent_request_send(
                actor=viewer,
                learner=learner,
                purposes=form.cleaned_data["purposes"],
                guardian_ids=form.cleaned_data.get("guardians"),
                learner_email=form.cleaned_data.get("learner_email") or "",
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            report_sent(request, sent)
            return redirect("consent:learner", learner_id=learner.pk)
    return _learner_page(request, viewer, learner_id, send_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def learner_record(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id, Permission.RECORD_CONSENT)
    today = organisation_today(learner.organisation)
    who = answerers_of(learner, today=today)
    open_requests = [
        (r.pk, f"Sent {r.created_at:%-d %b %Y} to {r.recipient_name}")
        for r in selectors.open_requests_of(learner)
    ]
    form = RecordConsentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        guardians=who.guardians,
        learner_answers=who.learner_answers,
        open_requests=open_requests,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record_by_staff(
                actor=viewer,
                learner=learner,
                guardian_id=form.guardian_id(),
                answered_by_name=form.cleaned_data["answered_by_name"],
                channel=form.cleaned_data["channel"],
                answers=form.answers(),
                slots=form.slots(),
                given_on=form.cleaned_data["given_on"],
                attachment=form.cleaned_data["attachment"],
                request_id=form.cleaned_data["request"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The answers and their evidence are recorded.")
            return redirect("consent:learner", learner_id=learner.pk)
    return render(
        request,
        "consent/record.html",
        {
            "nav": "consent",
            "learner": learner,
            "form": form,
            "rule": who.rule,
            "zone_label": learner.organisation.time_zone,
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_withdraw(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id, Permission.WITHDRAW_CONSENT)
    given = selectors.given_purposes(selectors.current_statuses(learner))
    form = StaffWithdrawForm(
        request.POST or None, given=given, guardians=selectors.guardians_of(learner)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=viewer,
                learner=learner,
                purposes=form.cleaned_data["purposes"],
                withdrawn_by_name=form.cleaned_data["withdrawn_by_name"],
                channel=form.cleaned_data["channel"],
                reason=form.cleaned_data["reason"],
                guardian_id=form.cleaned_data["guardian"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                "Consent withdrawn. Upcoming sessions are being checked again, recordings "
                "are destroyed where recording was withdrawn (unless held as evidence), and "
                "the DSL has been told.",
            )
            return redirect("consent:learner", learner_id=learner.pk)
    return render(
        request,
        "consent/withdraw.html",
        {"nav": "consent", "learner": learner, "form": form, "given": given},
        status=form_status(form),
    )


@login_required
@require_GET
def attachment(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    found = selectors.attachment_for(viewer_of(request), kind, pk)
    return FileResponse(
        default_storage.open(found.path, "rb"),
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type or "application/octet-stream",
    )


@login_required
@require_GET
def evidence_receipt(request: HttpRequest, evidence_id: int) -> JsonResponse:
    evidence = selectors.receipt_for(viewer_of(request), evidence_id, form="json")
    return receipt_json_response(evidence)


@login_required
@require_GET
def evidence_receipt_pdf(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = selectors.receipt_for(viewer_of(request), evidence_id, form="pdf")
    return receipt_pdf_response(evidence)


def receipt_json_response(evidence: ConsentEvidence) -> JsonResponse:
    response = JsonResponse(evidence.receipt, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(evidence)}"'
    return response


def receipt_pdf_response(evidence: ConsentEvidence) -> HttpResponse:
    """The PDF, shown in the browser (a phone opens it at once) rather than downloaded."""
    consents = list(evidence.consents.order_by("id"))
    response = HttpResponse(receipt_pdf(evidence, consents), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_pdf_filename(evidence)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def learner_own_recording(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id, Permission.RECORD_CONSENT)
    form = OwnRecordingForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.own_recording_agreement_record(
                actor=viewer,
                learner=learner,
                recorded_by_name=form.cleaned_data["recorded_by_name"],
                purpose=form.cleaned_data["purpose"],
                agreed_on=form.cleaned_data["agreed_on"],
                kept_until=form.cleaned_data["kept_until"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The agreement is recorded.")
            return redirect("consent:learner", learner_id=learner.pk)
    return render(
        request,
        "consent/own_recording.html",
        {"nav": "consent", "learner": learner, "form": form},
        status=form_status(form),
    )
