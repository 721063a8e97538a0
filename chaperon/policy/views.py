"""The organisation's session policy in plain words, its editor, and the platform register.

The register keeps its address under /sessions/ (``sessions:platforms``): the sessions app
routes it to ``platforms`` here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.forms import show_errors
from chaperon.people.permissions import can, viewer_of
from chaperon.people.roles import Permission

from . import selectors
from .engine.presentation import rule_rows
from .forms import PlatformForm, PolicyForm
from .selectors import organisation_policy, organisation_policy_document, policy_as_yaml
from .services import organisation_policy_save, platform_register


@login_required
@require_GET
def policy_page(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can(viewer, Permission.READ_POLICY):
        raise PermissionDenied("Your role does not allow this.")
    policy = organisation_policy(viewer.organisation)
    return render(
        request,
        "policy/policy.html",
        {
            "nav": "policy",
            "policy": policy,
            "booking_rules": rule_rows(policy, at_start_only=False),
            "start_rules": rule_rows(policy, at_start_only=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not can(viewer, Permission.MANAGE_ORGANISATION):
        raise PermissionDenied("Only the DSL or an administrator can change the policy.")
    organisation = viewer.organisation
    form = PolicyForm(
        request.POST or None,
        initial={"text": policy_as_yaml(organisation_policy_document(organisation))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy = organisation_policy_save(
                actor=viewer, organisation=organisation, text=form.cleaned_data["text"]
            )
        except ValidationFailed as error:
            # The whole document is one field: each problem names the policy field it is in.
            for field, problem in error.errors.items():
                form.add_error("text", f"{field}: {problem}")
        else:
            messages.success(
                request,
                f"Policy saved as version {policy.version}. Upcoming sessions are being checked "
                "against it.",
            )
            return redirect("policy:policy")
    return render(request, "policy/policy_edit.html", {"nav": "policy", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def platforms(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    may_manage = can(viewer, Permission.MANAGE_ORGANISATION)
    form = PlatformForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only the DSL or an administrator can approve platforms.")
        if form.is_valid():
            try:
                platform_register(
                    actor=viewer,
                    organisation=viewer.organisation,
                    key=form.cleaned_data["key"],
                    name=form.cleaned_data["name"],
                    risk_assessed_on=form.cleaned_data["risk_assessed_on"],
                    risk_assessment=form.cleaned_data["risk_assessment"],
                    organisation_account=form.cleaned_data["organisation_account"],
                    settings=form.platform_settings(),
                )
            except ValidationFailed as error:
                show_errors(form, error)
            else:
                messages.success(
                    request,
                    "Platform added to the register. Add it to approved_platforms in the policy "
                    "before booking on it.",
                )
                return redirect("sessions:platforms")
    return render(
        request,
        "policy/platforms.html",
        {
            "nav": "policy",
            "platforms": selectors.platforms_of(viewer),
            "form": form,
        },
    )
