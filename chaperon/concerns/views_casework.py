"""Case page actions beyond the Annex 1 steps: re-classifying as an allegation about staff,
suspending and reinstating staff, tasks and who does each step, and showing a concern on
another learner's chronology. Thin, as the other views: parse, call the service, go back."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import show_errors
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of

from . import selectors, services
from .forms import AssignForm, LiftForm, LinkForm, ReclassifyForm, SuspendForm, TaskForm, UnlinkForm
from .permissions import access_concern
from .views import act_on_case, case_page, family, linkable, others


@login_required
@require_POST
def reclassify(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        subject = data["subject_staff"]
        services.concern_reclassify_as_allegation(
            actor=viewer, concern=concern, subject_staff=subject, reason=data["reason"]
        )
        return (
            f"Now an allegation about {subject.full_name}: restricted to those who handle it, "
            "and the LADO referral is due within one working day."
        )

    return act_on_case(
        request,
        concern_id,
        "reclassify_form",
        lambda data, concern, viewer, **more: ReclassifyForm(
            data, staff=others(selectors.case_staff(concern), viewer), **more
        ),
        act,
    )


@login_required
@require_POST
def suspend(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        suspension = services.staff_suspend(actor=viewer, concern=concern, reason=data["reason"])
        return (
            f"{suspension.user.full_name} is suspended from hosting and joining sessions; "
            "their upcoming sessions are checked again."
        )

    return act_on_case(
        request, concern_id, "suspend_form", lambda data, **_: SuspendForm(data), act
    )


@login_required
@require_POST
def lift_suspension(request: HttpRequest, concern_id: int, suspension_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        suspension = services.staff_suspension_lift(
            actor=viewer,
            concern_id=concern.pk,
            suspension_id=suspension_id,
            reason=data["lift_reason"],
        )
        return f"{suspension.user.full_name} may run and join sessions again."

    return act_on_case(request, concern_id, "lift_form", lambda data, **_: LiftForm(data), act)


@login_required
@require_POST
def task_add(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        step = services.concern_task_add(actor=viewer, concern=concern, **data)
        return f"Task added for {step.owner.full_name}; they have been told."

    return act_on_case(
        request,
        concern_id,
        "task_form",
        lambda data, concern, viewer, **more: TaskForm(
            data, staff=selectors.case_assignees(concern), **more
        ),
        act,
    )


@login_required
@require_POST
def step_assign(request: HttpRequest, concern_id: int, step_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    concern = access_concern(viewer, concern_id)
    form = AssignForm(request.POST, staff=selectors.case_assignees(concern), step_id=step_id)
    if form.is_valid():
        try:
            step = services.concern_step_assign(
                actor=viewer, concern=concern, step_id=step_id, **form.cleaned_data
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Given to {step.owner.full_name}; they have been told.")
            return redirect("concerns:detail", concern_id=concern.pk)
    return case_page(
        request, viewer, concern.pk, status=400, assign_form=form, failed_assign=step_id
    )


@login_required
@require_POST
def link(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        found = services.concern_link_learner(actor=viewer, concern=concern, **data)
        return f"It now shows on {found.learner.full_name}'s chronology too."

    return act_on_case(
        request,
        concern_id,
        "link_form",
        lambda data, concern, viewer, **more: LinkForm(
            data, learners=linkable(concern), family=family(concern), **more
        ),
        act,
    )


@login_required
@require_POST
def unlink(request: HttpRequest, concern_id: int, link_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    concern = access_concern(viewer, concern_id)
    form = UnlinkForm(request.POST)
    if form.is_valid():
        try:
            ended = services.concern_link_end(
                actor=viewer,
                concern=concern,
                link_id=link_id,
                reason=form.cleaned_data["end_reason"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"No longer shown on {ended.learner.full_name}'s chronology.")
            return redirect("concerns:detail", concern_id=concern.pk)
    return case_page(request, viewer, concern.pk, status=400, unlink_form=form, failed_link=link_id)
