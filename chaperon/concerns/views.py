"""Staff pages of concerns. Thin: parse input, call a selector or service, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.navigation import record_links_for
from chaperon.core.pagination import page_of
from chaperon.core.uploads import refuse_oversized, upload_limits
from chaperon.people.models import Learner, User
from chaperon.people.permissions import can, require, viewer_of
from chaperon.people.pickers import kept_fields, kept_input, searching
from chaperon.people.roles import Permission
from chaperon.people.selectors import learner_list_visible_to
from chaperon.sessions.permissions import access_session

from . import attachments, conf, selectors, services
from .checklist import Answers, Illegal, NudeSharing, RiskToUser
from .chronology import chronology_for
from .forms import (
    AssignForm,
    ChangeForm,
    CloseForm,
    GrantForm,
    LiftForm,
    LinkForm,
    NoteForm,
    ReclassifyForm,
    ReferralForm,
    StaffReportForm,
    StepForm,
    SuspendForm,
    TaskForm,
    TriageForm,
    UnlinkForm,
)
from .pdf import chronology_pdf
from .permissions import access_concern, may_raise_concerns


def _require_staff(viewer: User) -> None:
    if not may_raise_concerns(viewer):
        raise PermissionDenied("Only staff raise concerns here; use the public report page.")


def _learners_for(viewer: User) -> QuerySet[Learner] | None:
    """The learners the viewer may name on a concern (None: they may not see learners)."""
    if not can(viewer, Permission.VIEW_LEARNERS):
        return None
    return learner_list_visible_to(viewer)


def _staff_for(viewer: User) -> QuerySet[User]:
    """The members of staff the viewer may name on a concern: their organisation's, but not
    themselves."""
    require(viewer, Permission.VIEW_STAFF)
    return User.objects.filter(
        organisation_id=viewer.organisation_id, is_active=True, staff__isnull=False
    ).exclude(pk=viewer.pk)


def _initial(request: HttpRequest, learners: QuerySet[Learner] | None) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    learner = request.GET.get("learner", "")
    if learner.isdigit() and learners is not None and learners.filter(pk=int(learner)).exists():
        initial["learner"] = int(learner)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
@upload_limits(attachment=conf.attachment_max_bytes)
def new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    _require_staff(viewer)
    session_id = request.GET.get("session", "")
    session = access_session(viewer, int(session_id)) if session_id.isdigit() else None
    learners = _learners_for(viewer)
    choices: dict[str, Any] = {
        "learners": learners,
        "staff": _staff_for(viewer),
        "suggested_learners": list(session.learners.all()) if session is not None else [],
        "viewer": viewer,
    }
    if request.method == "POST" and searching(request.POST):
        form = StaffReportForm(initial=kept_input(request.POST, StaffReportForm), **choices)
    else:
        form = StaffReportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            initial=_initial(request, learners),
            **choices,
        )
    refuse_oversized(request, form)
    if request.method == "POST" and not searching(request.POST) and form.is_valid():
        try:
            concern = services.concern_raise(
                actor=viewer,
                organisation=viewer.organisation,
                session=session,
                learner=form.cleaned_data.get("learner"),
                subject_staff=form.cleaned_data["subject_staff"],
                **form.service_arguments(),
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                f"Your concern {concern.reference} has reached the safeguarding team. "
                "Thank you: you will see here when it is closed.",
            )
            return redirect("concerns:mine")
    return render(
        request,
        "concerns/new.html",
        {
            "nav": "report_concern",
            "form": form,
            "session": session,
            "organisation": viewer.organisation,
        },
        status=form_status(form),
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    _require_staff(viewer)
    return render(
        request,
        "concerns/mine.html",
        {
            "nav": "report_concern",
            "raised": selectors.concerns_raised_by(viewer),
            "organisation": viewer.organisation,
        },
    )


def case_page(
    request: HttpRequest, viewer: User, concern_id: int, *, status: int = 200, **forms: Any
) -> HttpResponse:
    case = selectors.case_for(viewer, concern_id)
    context: dict[str, Any] = {
        "nav": "concerns",
        "case": case,
        "concern": case.concern,
        "organisation": case.concern.organisation,
        "triage_form": TriageForm(staff=case.staff, actor=viewer),
        "referral_form": ReferralForm(),
        "note_form": NoteForm(),
        "change_form": ChangeForm(learners=case.learners),
        "grant_form": GrantForm(staff=case.staff),
        "step_form": StepForm(),
        "failed_step": None,
        "reclassify_form": ReclassifyForm(staff=others(case.staff, viewer)),
        "suspend_form": SuspendForm(),
        "lift_form": LiftForm(),
        "task_form": TaskForm(staff=case.assignees, initial={"owner": viewer.pk}),
        "assign_forms": {
            step.pk: AssignForm(staff=case.assignees, step_id=step.pk) for step in case.open_steps
        },
        "link_form": LinkForm(learners=linkable(case.concern), family=family(case.concern)),
        "unlink_form": UnlinkForm(),
        "failed_link": None,
        "record_links": record_links_for(viewer, case.concern),
    }
    assign_form = forms.pop("assign_form", None)
    if assign_form is not None:
        context["assign_forms"][forms.pop("failed_assign")] = assign_form
    context.update(forms)
    return render(request, "concerns/detail.html", context, status=status)


def others(staff: list[User], viewer: User) -> list[User]:
    return [user for user in staff if user.pk != viewer.pk]


def linkable(concern: Any) -> QuerySet[Learner]:
    """Whose chronology a concern may be shown on: the organisation's other learners."""
    learners = Learner.objects.filter(organisation_id=concern.organisation_id)
    return learners.exclude(pk=concern.learner_id) if concern.learner_id else learners


def family(concern: Any) -> list[Learner]:
    """Learners who share a parent or carer with the concern's learner (brothers and
    sisters): offered without a search."""
    if concern.learner is None:
        return []
    return list(Learner.objects.filter(pk__in=selectors.family_of(concern.learner)))


@login_required
@require_GET
def detail(request: HttpRequest, concern_id: int) -> HttpResponse:
    return case_page(request, viewer_of(request), concern_id)


def act_on_case(
    request: HttpRequest,
    concern_id: int,
    form_name: str,
    make_form: Callable[..., Any],
    act: Callable[[User, Any, Any], str],
) -> HttpResponse:
    """Bind the form, call the service, and go back to the case (or show what to fix)."""
    viewer = viewer_of(request)
    concern = access_concern(viewer, concern_id)
    if searching(request.POST):  # a picker's Find: the same form again, with what it found
        fields = make_form(None, concern=concern, viewer=viewer).fields
        kept = kept_fields(request.POST, fields)
        found = make_form(None, concern=concern, viewer=viewer, initial=kept)
        return case_page(request, viewer, concern.pk, **{form_name: found})
    form = make_form(request.POST, concern=concern, viewer=viewer)
    if form.is_valid():
        try:
            done = act(viewer, concern, form.cleaned_data)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("concerns:detail", concern_id=concern.pk)
    return case_page(request, viewer, concern.pk, status=400, **{form_name: form})


@login_required
@require_POST
def acknowledge(request: HttpRequest, concern_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    concern = access_concern(viewer, concern_id)
    try:
        services.concern_acknowledge(actor=viewer, concern=concern)
    except ValidationFailed as error:
        messages.error(request, "; ".join(error.errors.values()))
    else:
        messages.success(request, "Acknowledged: escalation has stopped. Now triage it.")
    return redirect("concerns:detail", concern_id=concern.pk)


@login_required
@require_POST
def triage(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        opened = services.concern_triage(
            actor=viewer,
            concern=concern,
            answers=Answers(
                illegal=Illegal(data["illegal"]),
                immediate_risk=data["immediate_risk"],
                risk_to_user=RiskToUser(data["risk_to_user"]),
                nude_sharing=NudeSharing(data["nude_sharing"]),
            ),
            risk_note=data["risk_note"],
            owner=data["owner"],
        )
        return f"Triage recorded: {len(opened)} steps opened."

    return act_on_case(
        request,
        concern_id,
        "triage_form",
        lambda data, concern, viewer, **more: TriageForm(
            data, staff=selectors.case_staff(concern), actor=viewer, **more
        ),
        act,
    )


@login_required
@require_POST
def step_done(request: HttpRequest, concern_id: int, step_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    concern = access_concern(viewer, concern_id)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            step = services.concern_step_complete(
                actor=viewer, concern=concern, step_id=step_id, outcome=form.cleaned_data["outcome"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Done: {step.title}")
            return redirect("concerns:detail", concern_id=concern.pk)
    return case_page(request, viewer, concern.pk, status=400, step_form=form, failed_step=step_id)


@login_required
@require_POST
def referral(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        completed = services.concern_referral_record(actor=viewer, concern=concern, **data)
        return f"Referral recorded; {len(completed)} step(s) done with it."

    return act_on_case(
        request, concern_id, "referral_form", lambda data, **_: ReferralForm(data), act
    )


@login_required
@require_POST
def note(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        services.concern_note_add(actor=viewer, concern=concern, text=data["text"])
        return "Note added."

    return act_on_case(request, concern_id, "note_form", lambda data, **_: NoteForm(data), act)


@login_required
@require_POST
def change(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        changed = services.concern_change(
            actor=viewer,
            concern=concern,
            reason=data["reason"],
            category=data["category"] or None,
            occurred_on=data["occurred_on"],
            learner=data["learner"],
        )
        names = {"learner_id": "the learner", "occurred_on": "the date", "category": "the category"}
        return (
            "Changed "
            + ", ".join(names.get(name, name) for name in changed)
            + "; the reason is recorded."
        )

    return act_on_case(
        request,
        concern_id,
        "change_form",
        lambda data, concern, viewer, **more: ChangeForm(
            data, learners=Learner.objects.filter(organisation_id=concern.organisation_id), **more
        ),
        act,
    )


@login_required
@require_POST
def grant(request: HttpRequest, concern_id: int) -> HttpResponse:
    def act(viewer: User, concern: Any, data: dict[str, Any]) -> str:
        user = data["user"]
        services.concern_access_grant(actor=viewer, concern=concern, user=user)
        return f"{user.full_name} can now see and handle this case."

    return act_on_case(
        request,
        concern_id,
        "grant_form",
        lambda data, concern, viewer, **more: GrantForm(
            data, staff=selectors.case_staff(concern), **more
        ),
        act,
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, concern_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    case = selectors.case_for(viewer, concern_id)
    form = CloseForm(request.POST or None, allegation=case.concern.restricted)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_close(
                actor=viewer,
                concern=case.concern,
                responses=form.responses(),
                reporter_told=form.cleaned_data["reporter_told"],
                open_steps_reason=form.cleaned_data["open_steps_reason"],
                allegation_outcome=form.cleaned_data.get("allegation_outcome", ""),
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{case.concern.reference} is closed.")
            return redirect("concerns:detail", concern_id=case.concern.pk)
    return render(
        request,
        "concerns/close.html",
        {
            "nav": "concerns",
            "case": case,
            "concern": case.concern,
            "form": form,
            "organisation": case.concern.organisation,
        },
        status=form_status(form),
    )


@login_required
@require_GET
def attachment(request: HttpRequest, concern_id: int, attachment_id: int) -> FileResponse:
    found = selectors.attachment_for(viewer_of(request), concern_id, attachment_id)
    return attachments.download(path=found.path, name=found.name)


@login_required
@require_GET
def chronology(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    found = chronology_for(viewer, learner_id)
    listing = page_of(found.items, request)
    return render(
        request,
        "concerns/chronology.html",
        {
            "nav": "concerns",
            "chronology": found,
            "listing": listing,
            "learner": found.learner,
            "organisation": found.learner.organisation,
        },
    )


@login_required
@require_GET
def chronology_download(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    found = chronology_for(viewer, learner_id, export=True)
    response = HttpResponse(chronology_pdf(found), content_type="application/pdf")
    name = f"chronology-{found.learner.pk}-{found.made_at:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
