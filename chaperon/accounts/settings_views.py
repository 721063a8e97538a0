"""The Single sign-on page: how the organisation's staff sign in with its own accounts, set by
those granted MANAGE_SINGLE_SIGN_ON (the web's ``chaperon sso set|show``). Thin: the checks
are in ``services.sso_configure``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chaperon.core.exceptions import ValidationFailed
from chaperon.people.permissions import require, viewer_of
from chaperon.people.roles import Permission

from . import selectors, services
from .forms import SsoSettingsForm


@login_required
@require_http_methods(["GET", "POST"])
def sso_settings(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    require(viewer, Permission.MANAGE_SINGLE_SIGN_ON)
    organisation = viewer.organisation
    config = selectors.sso_settings_of(organisation)
    form = SsoSettingsForm(request.POST or None, initial=SsoSettingsForm.initial_of(config))
    if request.method == "POST" and form.is_valid():
        try:
            services.sso_configure(actor=viewer, organisation=organisation, wanted=form.wanted())
        except ValidationFailed as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "Saved. Sign-in works as shown below from now on.")
            return redirect("accounts:sso_settings")
    issuer = config.issuer if config is not None else ""
    context = {
        "nav": "organisation",
        "form": form,
        "config": config,
        "secret": selectors.client_secret_file(organisation),
        "tried": bool(issuer)
        and selectors.signed_in_with_organisation_account(viewer, issuer=issuer),
    }
    return render(
        request, "accounts/sso_settings.html", context, status=400 if form.errors else 200
    )
