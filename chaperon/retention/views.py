"""Retention pages (LOG-2, ORG-7): the schedule with the basis of each line and the
organisation's own periods; the DSL's list of records due for review, a page at a time, with
holds; and the confirmation that destroys a record whose time is over."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.concerns.selectors import concerns_on_file_of
from chaperon.concerns.services.destruction import concern_file_blocker
from chaperon.consent.selectors import consent_evidence_ended_by
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.pagination import page_of
from chaperon.core.pure.retention import BY_KIND, Kind, latest_due_start
from chaperon.governance.selectors import agreements_signed_by, training_completions_of
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.people.selectors import organisation_for

from . import services
from .forms import DestroyForm, HoldForm, KeepForm, PeriodForm, ReleaseForm
from .permissions import may_manage_retention, may_see_schedule
from .selectors import (
    REVIEWED_HERE,
    destructions_of,
    due_for_review,
    due_rows,
    holds_of,
    review_list_opened,
    schedule_for,
    years_in_force,
)


def _viewer(request: HttpRequest, *, manage: bool) -> User:
    viewer = viewer_of(request)
    if not (may_manage_retention(viewer) if manage else may_see_schedule(viewer)):
        raise PermissionDenied("Your role does not allow this.")
    return viewer


def _schedule_page(request: HttpRequest, form: PeriodForm | None = None) -> HttpResponse:
    viewer = _viewer(request, manage=False)
    organisation = organisation_for(viewer)
    manage = may_manage_retention(viewer)
    form = form or PeriodForm()
    return render(
        request,
        "retention/schedule.html",
        {
            "nav": "retention",
            "lines": schedule_for(organisation),
            "manage": manage,
            "form": form,
            "destructions": page_of(destructions_of(organisation), request, per_page=20),
        },
        status=form_status(form),
    )


@login_required
@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    return _schedule_page(request)


@login_required
@require_POST
def period_set(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, manage=True)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = services.retention_period_set(actor=viewer, **form.cleaned_data)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            label = BY_KIND[Kind(period.kind)].label
            messages.success(request, f"{label}: kept for {period.years} years.")
            return redirect("retention:schedule")
    return _schedule_page(request, form)


def _kind(request: HttpRequest) -> Kind:
    value = request.GET.get("kind") or request.POST.get("kind") or Kind.CONCERN_FILE.value
    if value not in Kind or Kind(value) not in REVIEWED_HERE:
        raise Http404("No such list.")
    return Kind(value)


def _review_page(
    request: HttpRequest,
    *,
    kind: Kind | None = None,
    keep_form: KeepForm | None = None,
    hold_form: HoldForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = _viewer(request, manage=True)
    kind = kind or _kind(request)
    organisation = review_list_opened(viewer=viewer, kind=kind)
    today = organisation.today()
    listing = page_of(due_for_review(organisation, kind, today), request, per_page=25)
    holds = page_of(holds_of(organisation), number=request.GET.get("holds_page"), per_page=25)
    return render(
        request,
        "retention/review.html",
        {
            "nav": "retention",
            "kind": BY_KIND[kind],
            "kinds": [BY_KIND[each] for each in REVIEWED_HERE],
            "listing": listing,
            "rows": due_rows(organisation, kind, listing.rows),
            "holds": holds,
            "keep_form": keep_form or KeepForm(),
            "hold_form": hold_form or HoldForm(),
            "release_form": ReleaseForm(),
            "today": today,
        },
        status=status,
    )


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    return _review_page(request)


def _person(request: HttpRequest) -> dict[str, int | None]:
    try:
        learner = request.POST.get("learner_id")
        staff = request.POST.get("staff_id")
        return {
            "learner_id": int(learner) if learner else None,
            "staff_id": int(staff) if staff else None,
        }
    except ValueError as error:
        raise Http404("No such person.") from error


def _back_to_review(kind: Kind) -> HttpResponse:
    return redirect(f"{reverse('retention:review')}?kind={kind.value}")


@login_required
@require_POST
def keep(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, manage=True)
    kind = _kind(request)
    form = KeepForm(request.POST)
    if form.is_valid():
        try:
            services.retention_review_keep(
                actor=viewer,
                kind=kind.value,
                keep_until=form.cleaned_data["keep_until"],
                reason=form.cleaned_data["reason"],
                **_person(request),
            )
        except ValidationFailed as error:
            show_errors(form, error)
        except NotFound as error:
            raise Http404(str(error)) from error
        else:
            messages.success(
                request, f"Reviewed: kept until {form.cleaned_data['keep_until']:%d/%m/%Y}."
            )
            return _back_to_review(kind)
    return _review_page(request, kind=kind, keep_form=form, status=400)


@login_required
@require_POST
def hold_place(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request, manage=True)
    kind = _kind(request)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            services.retention_hold_place(
                actor=viewer, reason=form.cleaned_data["reason"], **_person(request)
            )
        except ValidationFailed as error:
            show_errors(form, error)
        except NotFound as error:
            raise Http404(str(error)) from error
        else:
            messages.success(request, "Held: nothing about them is destroyed until it is released.")
            return _back_to_review(kind)
    return _review_page(request, kind=kind, hold_form=form, status=400)


@login_required
@require_POST
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    viewer = _viewer(request, manage=True)
    kind = _kind(request)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.retention_hold_release(
                actor=viewer, hold_id=hold_id, reason=form.cleaned_data["release_reason"]
            )
        except NotFound as error:
            raise Http404(str(error)) from error
        messages.success(request, "Hold released.")
    else:
        messages.error(request, "Say why the hold is no longer needed to release it.")
    return _back_to_review(kind)


@login_required
@require_http_methods(["GET", "POST"])
def destroy(request: HttpRequest, staff_id: int) -> HttpResponse:
    """What will be destroyed, and the DSL's confirmation."""
    viewer = _viewer(request, manage=True)
    kind = Kind.AUP_AND_TRAINING
    form = DestroyForm(request.POST) if request.method == "POST" else DestroyForm()
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.retention_staff_records_destroy(actor=viewer, staff_id=staff_id)
        except ValidationFailed as error:
            show_errors(form, error)
        except NotFound as error:
            raise Http404(str(error)) from error
        else:
            messages.success(
                request,
                f"{certificate.record_count} records destroyed; certified in the audit log "
                f"(entry {certificate.audit_seq}).",
            )
            return _back_to_review(kind)
    organisation = review_list_opened(viewer=viewer, kind=kind)
    due = due_for_review(organisation, kind, organisation.today()).filter(pk=staff_id).first()
    if due is None:
        raise Http404("These records have not come to the end of their period.")
    [row] = due_rows(organisation, kind, [due])
    return render(
        request,
        "retention/destroy.html",
        {
            "nav": "retention",
            "kind": BY_KIND[kind],
            "row": row,
            "completions": training_completions_of(due).count(),
            "signatures": agreements_signed_by(due.user_id).count(),
            "form": form,
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def destroy_file(request: HttpRequest, learner_id: int) -> HttpResponse:
    """A learner's child protection file at the end of its period: what will be destroyed,
    and the DSL's confirmation."""
    viewer = _viewer(request, manage=True)
    kind = Kind.CONCERN_FILE
    form = DestroyForm(request.POST) if request.method == "POST" else DestroyForm()
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.retention_concern_file_destroy(
                actor=viewer, learner_id=learner_id
            )
        except ValidationFailed as error:
            show_errors(form, error)
        except NotFound as error:
            raise Http404(str(error)) from error
        else:
            messages.success(
                request,
                f"The child protection file was destroyed ({certificate.record_count} records); "
                f"certified in the audit log (entry {certificate.audit_seq}).",
            )
            return _back_to_review(kind)
    organisation = review_list_opened(viewer=viewer, kind=kind)
    due = due_for_review(organisation, kind, organisation.today()).filter(pk=learner_id).first()
    if due is None:
        raise Http404("This file has not come to the end of its period.")
    [row] = due_rows(organisation, kind, [due])
    return render(
        request,
        "retention/destroy_file.html",
        {
            "nav": "retention",
            "kind": BY_KIND[kind],
            "row": row,
            "concerns": concerns_on_file_of(due).count(),
            "blocker": concern_file_blocker(due),
            "form": form,
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def destroy_consent(request: HttpRequest, learner_id: int) -> HttpResponse:
    """A learner's consent evidence at the end of its period: what will be destroyed, and the
    DSL's confirmation."""
    viewer = _viewer(request, manage=True)
    kind = Kind.CONSENT_EVIDENCE
    form = DestroyForm(request.POST) if request.method == "POST" else DestroyForm()
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.retention_consent_evidence_destroy(
                actor=viewer, learner_id=learner_id
            )
        except ValidationFailed as error:
            show_errors(form, error)
        except NotFound as error:
            raise Http404(str(error)) from error
        else:
            messages.success(
                request,
                f"The consent evidence was destroyed ({certificate.record_count} records); "
                f"certified in the audit log (entry {certificate.audit_seq}).",
            )
            return _back_to_review(kind)
    organisation = review_list_opened(viewer=viewer, kind=kind)
    today = organisation.today()
    due = due_for_review(organisation, kind, today).filter(pk=learner_id).first()
    if due is None:
        raise Http404("This evidence has not come to the end of its period.")
    rows = due_rows(organisation, kind, [due])
    if not rows:
        raise Http404("This evidence has not come to the end of its period.")
    cut_off = latest_due_start(today, years_in_force(organisation, kind))
    return render(
        request,
        "retention/destroy_consent.html",
        {
            "nav": "retention",
            "kind": BY_KIND[kind],
            "row": rows[0],
            "cut_off": cut_off,
            "evidence": consent_evidence_ended_by(due, cut_off).count(),
            "form": form,
        },
        status=form_status(form),
    )
