"""Pages: thin. Parse input, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.navigation import record_links_for
from chaperon.core.pagination import page_of
from chaperon.core.panels import panels_for

from . import selectors, services
from .filters import LearnerFilterForm, StaffFilterForm
from .forms import OrganisationSettingsForm, SiteForm
from .permissions import can, viewer_of
from .roles import Permission, Role


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    context: dict[str, object] = {"nav": "dashboard"}
    # Figures only, so reading the dashboard is not audited: the names are on the staff
    # page, whose every reading is.
    if can(viewer, Permission.VIEW_COMPLIANCE_SUMMARY):
        context["summary"] = selectors.compliance_summary_for(viewer)
        context["names_on_staff_page"] = can(viewer, Permission.VIEW_STAFF_COMPLIANCE)
    if can(viewer, Permission.VIEW_LEARNERS):
        context["learner_count"] = selectors.learner_list_visible_to(viewer).count()
    context["own_facts"] = selectors.own_compliance(viewer)
    context["panels"] = panels_for(viewer)
    context["role_labels"] = [Role(role).label for role in sorted(viewer.roles)]
    return render(request, "people/dashboard.html", context)


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    with_compliance = can(viewer, Permission.VIEW_STAFF_COMPLIANCE)
    form = StaffFilterForm(request.GET or None, with_compliance=with_compliance)
    staff = selectors.staff_list_visible_to(viewer, **form.choices())
    if form.is_bound and not form.is_valid():
        staff = staff.none()  # a search that cannot run shows its error, not everyone
    listing = page_of(staff, request)
    return render(
        request,
        "people/staff_list.html",
        {
            "nav": "staff",
            "form": form,
            "listing": listing,
            # The checks are worked out for this page's staff only.
            "rows": selectors.staff_compliance_of(viewer, listing.rows) if with_compliance else [],
            "with_compliance": with_compliance,
        },
        status=form_status(form),
    )


@login_required
@require_GET
def learner_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = LearnerFilterForm(
        request.GET or None,
        year_groups=selectors.year_groups_of(viewer),
        tutor_groups=selectors.tutor_groups_of(viewer),
    )
    learners = selectors.learner_list_visible_to(viewer)
    if form.is_bound and not form.is_valid():
        learners = learners.none()  # a search that cannot run shows its error, not everyone
    elif form.is_valid():
        learners = selectors.learner_list_visible_to(
            viewer,
            search=form.cleaned_data["q"],
            year_group=form.cleaned_data["year_group"],
            tutor_group=form.cleaned_data["tutor_group"],
        )
    listing = page_of(learners.order_by("last_name", "first_name", "id"), request)
    return render(
        request,
        "people/learner_list.html",
        {"nav": "learners", "form": form, "listing": listing, "learners": listing.rows},
        status=form_status(form),
    )


@login_required
@require_GET
def learner_detail(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = selectors.learner_detail_for(viewer, learner_id)
    organisation = selectors.organisation_for(viewer)
    today = selectors.organisation_today(organisation)
    return render(
        request,
        "people/learner_detail.html",
        {
            "nav": "learners",
            "learner": learner,
            "age": learner.age_on(today),
            "relationships": learner.relationships.all(),
            "record_links": record_links_for(viewer, learner),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current = selectors.organisation_for(viewer)
    form = OrganisationSettingsForm(
        request.POST if request.method == "POST" else None, instance=current
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.organisation_update(
                    actor=viewer,
                    organisation=current,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
            except ValidationFailed as error:
                show_errors(form, error)
            else:
                messages.success(request, "Organisation settings saved.")
                return redirect("people:organisation")
        # A refused form must not leave the unsaved values on the page's own record.
        current.refresh_from_db()
    return render(
        request,
        "people/organisation.html",
        {
            "nav": "organisation",
            "organisation": current,
            "form": form,
            "site_form": SiteForm(),
            "sites": selectors.site_list_visible_to(viewer),
        },
    )


@login_required
@require_POST
def site_add(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            services.site_create(
                actor=viewer,
                organisation=selectors.organisation_for(viewer),
                name=form.cleaned_data["name"],
                address=form.cleaned_data["address"],
            )
        except ValidationFailed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Site “{form.cleaned_data['name']}” added.")
    else:
        messages.error(request, "Give the site a name.")
    return redirect("people:organisation")


@login_required
@require_GET
def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    member = selectors.staff_detail_for(viewer, staff_id)
    return render(
        request,
        "people/staff_detail.html",
        {
            "nav": "staff",
            "member": member.staff,
            "facts": member.facts,
        },
    )
