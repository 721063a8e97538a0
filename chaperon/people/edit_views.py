"""Pages that change people: a member of staff's checks and roles, learners, guardians and the
links between them. Each calls the same service as the API, under the same permissions; a
refusal shows the form again with every problem named, and changes nothing."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors

from . import selectors, services
from .forms import (
    LEARNER_LEAVING,
    STAFF_LEAVING,
    GuardianForm,
    GuardianSearchForm,
    LearnerForm,
    LeftForm,
    NewGuardianForm,
    RelationshipForm,
    StaffChecksForm,
    StaffRolesForm,
)
from .permissions import access_guardian, access_learner, access_staff, require, viewer_of
from .privileges import NeedsSafeguardingLead
from .roles import Permission

GUARDIANS_SHOWN = 20


def _values(record: Any, form_class: type[forms.Form]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in form_class.base_fields}


def _save[T](request: HttpRequest, form: forms.Form, change: Callable[[], T]) -> T | None:
    """What ``change`` (a service call) returns, if the form was sent and is valid; None when
    it was not sent, or was refused (the refusal is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return change()
    except ValidationFailed as error:
        show_errors(form, error)
        return None


# Staff -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_checks(request: HttpRequest, staff_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    staff = access_staff(viewer, staff_id)
    require(viewer, Permission.MANAGE_STAFF)
    if request.method == "POST":
        form = StaffChecksForm(request.POST)
        if _save(
            request,
            form,
            lambda: services.staff_update(actor=viewer, staff=staff, **form.cleaned_data),
        ):
            messages.success(request, f"Checks of {staff.user.full_name} saved.")
            return redirect("people:staff_detail", staff.pk)
    else:
        shown = selectors.staff_detail_for(viewer, staff_id).staff  # an audited read
        form = StaffChecksForm(initial=_values(shown, StaffChecksForm))
    return render(
        request,
        "people/staff_checks.html",
        {"nav": "staff", "member": staff, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_roles(request: HttpRequest, staff_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    staff = access_staff(viewer, staff_id)
    require(viewer, Permission.MANAGE_STAFF)
    form = StaffRolesForm(request.POST or None, initial={"roles": sorted(staff.role_set)})
    refused = False
    try:
        saved = _save(
            request,
            form,
            lambda: services.staff_set_roles(actor=viewer, staff=staff, **form.cleaned_data),
        )
    except NeedsSafeguardingLead as error:
        form.add_error(None, str(error))
        saved, refused = None, True
    if saved is not None:
        messages.success(request, f"Roles of {staff.user.full_name} saved.")
        return redirect("people:staff_detail", staff.pk)
    return render(
        request,
        "people/staff_roles.html",
        {"nav": "staff", "member": staff, "form": form},
        status=403 if refused else form_status(form),
    )


def _mark_left(
    request: HttpRequest,
    *,
    name: str,
    today: date,
    consequences: str,
    mark: Callable[[date], object],
    done: str,
    back: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The page that marks a member of staff or a learner as left (``mark`` calls the
    service with the day given); a refusal that needs a safeguarding lead answers 403."""
    form = LeftForm(request.POST or None, initial={"left_on": today}, consequences=consequences)
    refused = False
    try:
        saved = _save(request, form, lambda: mark(form.cleaned_data["left_on"]))
    except NeedsSafeguardingLead as error:
        form.add_error(None, str(error))
        saved, refused = None, True
    if saved is not None:
        messages.success(request, f"{name} is marked as left: {done}.")
        return redirect(back)
    return render(
        request,
        "people/mark_left.html",
        {"name": name, "form": form, "back": back, **context},
        status=403 if refused else form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_left(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Mark a member of staff as left: their sign-in stops and their sessions with it."""
    viewer = viewer_of(request)
    staff = access_staff(viewer, staff_id)
    require(viewer, Permission.MANAGE_STAFF)
    return _mark_left(
        request,
        name=staff.user.full_name,
        today=staff.organisation.today(),
        consequences=STAFF_LEAVING,
        mark=lambda left_on: services.staff_mark_left(actor=viewer, staff=staff, left_on=left_on),
        done="they can no longer sign in, and their upcoming sessions are cancelled or go on "
        "without them",
        back=reverse("people:staff_detail", args=[staff.pk]),
        context={"nav": "staff", "staff_member": True},
    )


# Learners ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def learner_add(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    require(viewer, Permission.MANAGE_LEARNERS)
    form = LearnerForm(request.POST or None, sites=selectors.site_list_visible_to(viewer))
    learner = _save(
        request,
        form,
        lambda: services.learner_create(
            actor=viewer, organisation=selectors.organisation_for(viewer), **form.cleaned_data
        ),
    )
    if learner is not None:
        messages.success(request, f"{learner.full_name} added.")
        return redirect("people:learner_detail", learner.pk)
    return render(
        request,
        "people/learner_form.html",
        {"nav": "learners", "form": form, "learner": None},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_left(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    return _mark_left(
        request,
        name=learner.full_name,
        today=learner.organisation.today(),
        consequences=LEARNER_LEAVING,
        mark=lambda left_on: services.learner_mark_left(
            actor=viewer, learner=learner, left_on=left_on
        ),
        done="their upcoming sessions are cancelled or go on without them",
        back=reverse("people:learner_detail", args=[learner.pk]),
        context={"nav": "learners", "staff_member": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_edit(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    sites = selectors.site_list_visible_to(viewer)
    if request.method == "POST":
        form = LearnerForm(request.POST, sites=sites)
        if _save(
            request,
            form,
            lambda: services.learner_update(actor=viewer, learner=learner, **form.cleaned_data),
        ):
            messages.success(request, f"Details of {learner.full_name} saved.")
            return redirect("people:learner_detail", learner.pk)
    else:
        shown = selectors.learner_detail_for(viewer, learner_id)  # an audited read
        form = LearnerForm(initial=_values(shown, LearnerForm), sites=sites)
    return render(
        request,
        "people/learner_form.html",
        {"nav": "learners", "form": form, "learner": learner},
        status=form_status(form),
    )


# Guardians and their links to learners -----------------------------------------------------------


@login_required
@require_GET
def guardian_detail(request: HttpRequest, guardian_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    guardian = selectors.guardian_detail_for(viewer, guardian_id)
    return render(
        request,
        "people/guardian_detail.html",
        {
            "nav": "learners",
            "guardian": guardian,
            "links": guardian.relationships.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def guardian_edit(request: HttpRequest, guardian_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    guardian = access_guardian(viewer, guardian_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    if request.method == "GET":
        guardian = selectors.guardian_detail_for(viewer, guardian_id)  # an audited read
    form = GuardianForm(request.POST or None, initial=_values(guardian, GuardianForm))
    if _save(
        request,
        form,
        lambda: services.guardian_update(actor=viewer, guardian=guardian, **form.cleaned_data),
    ):
        messages.success(request, f"Details of {form.cleaned_data['full_name']} saved.")
        return redirect("people:guardian_detail", guardian.pk)
    return render(
        request,
        "people/guardian_form.html",
        {"nav": "learners", "form": form, "guardian": guardian, "learner": None},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_guardian_add(request: HttpRequest, learner_id: int) -> HttpResponse:
    """A new parent or carer, linked to the learner at once."""
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    form = NewGuardianForm(request.POST or None)
    if _save(
        request,
        form,
        lambda: services.guardian_create_for_learner(
            actor=viewer, learner=learner, **form.cleaned_data
        ),
    ):
        messages.success(request, f"{form.cleaned_data['full_name']} added.")
        return redirect("people:learner_detail", learner.pk)
    return render(
        request,
        "people/guardian_form.html",
        {"nav": "learners", "form": form, "guardian": None, "learner": learner},
        status=form_status(form),
    )


@login_required
@require_GET
def learner_guardian_find(request: HttpRequest, learner_id: int) -> HttpResponse:
    """Find a parent or carer already recorded (a brother's or sister's) to link them."""
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    form = GuardianSearchForm(request.GET or None)
    found = None
    if form.is_valid() and form.cleaned_data["q"]:
        try:
            found = list(
                selectors.guardian_search_visible_to(viewer, search=form.cleaned_data["q"])[
                    :GUARDIANS_SHOWN
                ]
            )
        except ValidationFailed as error:
            show_errors(form, error, field_for=lambda field: "q")
    return render(
        request,
        "people/guardian_find.html",
        {
            "nav": "learners",
            "form": form,
            "learner": learner,
            "found": found,
            "shown": GUARDIANS_SHOWN,
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_edit(request: HttpRequest, learner_id: int, guardian_id: int) -> HttpResponse:
    """Link a guardian to a learner, or change how they are related."""
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    guardian = access_guardian(viewer, guardian_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    link = selectors.guardian_link_between(guardian, learner)
    form = RelationshipForm(
        request.POST or None, initial=_values(link, RelationshipForm) if link else None
    )
    if _save(
        request,
        form,
        lambda: services.guardian_link(
            actor=viewer, guardian=guardian, learner=learner, **form.cleaned_data
        ),
    ):
        messages.success(request, f"{guardian.full_name} is linked to {learner.full_name}.")
        return redirect("people:learner_detail", learner.pk)
    return render(
        request,
        "people/relationship_form.html",
        {"nav": "learners", "form": form, "learner": learner, "guardian": guardian, "link": link},
        status=form_status(form),
    )


@login_required
@require_POST
def relationship_remove(request: HttpRequest, learner_id: int, guardian_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    guardian = access_guardian(viewer, guardian_id)
    try:
        services.guardian_unlink(actor=viewer, guardian=guardian, learner=learner)
    except ValidationFailed as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, f"{guardian.full_name} is no longer linked to {learner}.")
    return redirect("people:learner_detail", learner.pk)
