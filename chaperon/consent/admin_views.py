"""Staff pages for a whole group, the statement, and staff consent to recording."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status
from chaperon.core.pagination import PER_PAGE, page_of
from chaperon.people.permissions import viewer_of
from chaperon.people.roles import Permission
from chaperon.people.selectors import SEARCH_MAX_CHARACTERS

from . import selectors, services, staff_selectors
from .forms import (
    BulkSendForm,
    EmployerConsentForm,
    StaffConsentForm,
    StatementForm,
    show_errors,
)
from .models import Purpose
from .permissions import access_staff, own_staff_record
from .services.statements import (
    RECORDING_FIELDS,
    SETTINGS_FIELDS,
    StatementDraft,
    statement_draft,
)
from .views import report_sent

MAX_TICKED = 2 * PER_PAGE  # the form shows a page of learners


def _group_url(year_group: str) -> str:
    return f"{reverse('consent:groups')}?{urlencode({'year_group': year_group})}"


@login_required
@require_GET
def groups(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    year_groups = selectors.year_groups_for(viewer)
    year_group = request.GET.get("year_group", "")
    learners = selectors.group_learners_for(viewer, year_group=year_group)
    listing = page_of(learners if year_group else learners.none(), request)
    rows = selectors.group_rows_for(viewer, listing.rows)
    form = BulkSendForm(
        initial={"year_group": year_group},
        learners=[(row.learner.pk, row.learner.full_name) for row in rows],
    )
    return render(
        request,
        "consent/groups.html",
        {
            "nav": "consent",
            "year_groups": year_groups,
            "year_group": year_group,
            "listing": listing,
            "rows": rows,
            "boxes": list(zip(rows, form["learners"], strict=True)),
            "purposes": list(Purpose),
            "summary": selectors.group_summary_for(viewer, year_group=year_group) if rows else [],
            "form": form,
        },
    )


def _ticked(request: HttpRequest) -> list[int]:
    """The learner ids ticked on the form (a page's worth at most; anything else dropped)."""
    values = request.POST.getlist("learners")[:MAX_TICKED]
    return [int(value) for value in values if value.isdigit() and len(value) < 19]


@login_required
@require_POST
def groups_send(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    year_group = request.POST.get("year_group", "")
    # The choices are the ticked learners that are in the group: no need to read it whole.
    learners = selectors.group_learners_for(viewer, year_group=year_group).filter(
        pk__in=_ticked(request)
    )
    form = BulkSendForm(
        request.POST, learners=[(learner.pk, learner.full_name) for learner in learners]
    )
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request,
                f"{label}: {' '.join(map(str, errors))}" if label else " ".join(map(str, errors)),
            )
        return redirect(_group_url(year_group))
    try:
        outcome = services.consent_requests_send_bulk(
            actor=viewer,
            learner_ids=form.cleaned_data["learners"],
            purposes=form.cleaned_data["purposes"],
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
        return redirect(_group_url(year_group))
    count = len(outcome.emailed)
    messages.success(
        request,
        f"{count} consent request{'s' if count != 1 else ''} being emailed: "
        "each learner's consent page says when it has gone, or if it could not be sent.",
    )
    report_sent(request, outcome.needs_other_channel)
    for learner, why in outcome.skipped:
        messages.warning(request, f"{learner.full_name}: not asked, {why}")
    return redirect(_group_url(year_group))


def _statement_initial(viewer_organisation_id: int, draft: StatementDraft) -> dict[str, object]:
    consent_settings = selectors.consent_settings_of(viewer_organisation_id)
    policy = selectors.recording_policy_of(viewer_organisation_id)
    initial: dict[str, object] = {
        "intro": draft.intro,
        "parent_information": draft.parent_information,
    }
    initial.update({name: getattr(policy, name) for name in RECORDING_FIELDS})
    initial.update({name: getattr(consent_settings, name) for name in SETTINGS_FIELDS})
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    versions = selectors.statement_versions_for(viewer)
    organisation = viewer.organisation
    draft = statement_draft(organisation)
    form = StatementForm(
        request.POST if request.method == "POST" else None,
        initial=_statement_initial(organisation.pk, draft),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version, changed = services.statement_save(
                actor=viewer,
                organisation=organisation,
                intro=data["intro"],
                parent_information=data["parent_information"],
                recording={name: data[name] for name in RECORDING_FIELDS},
                settings={name: data[name] for name in SETTINGS_FIELDS},
                reason=data["reason"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            if version is not None:
                messages.success(request, f"Statement version {version.number} saved.")
            elif changed:
                messages.success(request, "Settings saved. The statement text did not change.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("consent:statement")
    return render(
        request,
        "consent/statement_edit.html",
        {"nav": "consent", "form": form, "draft": draft, "versions": versions},
        status=form_status(form),
    )


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    search = request.GET.get("q", "")[:SEARCH_MAX_CHARACTERS]
    listing = page_of(staff_selectors.staff_for_consent(viewer, search=search), request)
    rows = staff_selectors.staff_consent_rows(viewer, listing.rows)
    return render(
        request,
        "consent/staff_list.html",
        {"nav": "consent", "rows": rows, "listing": listing, "search": search},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_employer(request: HttpRequest, staff_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    staff = access_staff(viewer, staff_id, Permission.RECORD_CONSENT)
    current = staff_selectors.own_staff_consent(staff)
    form = EmployerConsentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"employer_name": current.own.employer_name if current.own else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_recording_consent_record(
                actor=viewer,
                staff=staff,
                employer_name=form.cleaned_data["employer_name"],
                answer=form.cleaned_data["answer"],
                attachment=form.cleaned_data["attachment"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The employer's answer is recorded.")
            return redirect("consent:staff_list")
    return render(
        request,
        "consent/staff_employer.html",
        {"nav": "consent", "staff": staff, "current": current, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_mine(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    staff = own_staff_record(viewer)
    current = staff_selectors.own_staff_consent(staff)
    form = StaffConsentForm(
        request.POST or None,
        initial={"employer_name": current.own.employer_name if current.own else ""},
    )
    if request.method == "POST" and form.is_valid():
        services.staff_recording_consent_answer(
            actor=viewer,
            answer=form.cleaned_data["answer"],
            employer_name=form.cleaned_data["employer_name"],
        )
        messages.success(request, "Your answer is recorded.")
        return redirect("consent:staff_mine")
    return render(
        request,
        "consent/staff_mine.html",
        {
            "nav": "own_recording_consent",
            "current": current,
            "form": form,
            "draft": statement_draft(staff.organisation),
        },
        status=form_status(form),
    )
