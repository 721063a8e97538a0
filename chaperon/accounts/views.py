"""Sign-in with a password or an organisation account (OpenID Connect), then a second factor
where the role needs one."""

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.addresses import client_address
from chaperon.core.exceptions import ChaperonError, NotFound, ValidationFailed
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.people.privileges import NeedsSafeguardingLead

from . import oidc, selectors, services
from .forms import CodeForm, SignInForm, TokenForm
from .models import ApiToken, TotpDevice
from .services.sso import Refusal
from .session import (
    NEXT_KEY,
    PENDING_METHOD_KEY,
    PENDING_SECRET_KEY,
    PENDING_USER_KEY,
    SECOND_FACTOR_KEY,
)

SSO_ONLY_MESSAGE = (
    "{organisation} signs in with its own accounts, not a Chaperon password: "
    "use the “Sign in with {provider}” button below."
)
LOCKED_MESSAGE = (
    "Too many attempts. Signing in is paused for {minutes} minutes. "
    "If you have forgotten your password, reset it below."
)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("people:dashboard")


def _complete_sign_in(
    request: HttpRequest,
    user: User,
    attempt: services.SignInTry | None,
    *,
    second_factor: bool | str,
) -> HttpResponse:
    destination = request.session.get(NEXT_KEY)
    method = request.session.get(PENDING_METHOD_KEY, "password")
    # Django's user_logged_in is sent here, whichever way they came: the staff agreement's
    # check (governance) runs for a sign-in with an organisation account too.
    login(request, user, backend="chaperon.accounts.backends.EmailBackend")
    request.session.pop(PENDING_USER_KEY, None)
    request.session.pop(PENDING_SECRET_KEY, None)
    request.session.pop(PENDING_METHOD_KEY, None)
    request.session[SECOND_FACTOR_KEY] = bool(second_factor)
    services.sign_in_succeeded(
        user=user,
        ip_address=client_address(request),
        second_factor=second_factor,
        attempt=attempt,
        method=method,
    )
    return redirect(_safe_next(request, destination))


def _sign_in_page(
    request: HttpRequest, form: SignInForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {"form": form, "sso_choices": selectors.sso_choices(), "sso_error": error}
    return render(request, "accounts/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("people:dashboard")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        attempt = services.sign_in_try(email=email, ip_address=client_address(request))
        if attempt is None:
            form.add_error(None, LOCKED_MESSAGE.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES))
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if not isinstance(user, User):
                services.sign_in_failed(attempt=attempt, what="password")
                form.add_error(None, "That email address and password do not match an account.")
            elif not selectors.password_sign_in_allowed(user):
                services.sign_in_failed(attempt=attempt, what="password", reason="password_off")
                config = selectors.sso_config_of_organisation(user.organisation_id)
                form.add_error(
                    None,
                    SSO_ONLY_MESSAGE.format(
                        organisation=user.organisation.name,
                        provider=config.get_provider_display() if config else "",
                    ),
                )
            else:
                request.session.cycle_key()
                request.session[NEXT_KEY] = request.GET.get("next", "")
                request.session[PENDING_METHOD_KEY] = "password"
                if user.needs_second_factor or TotpDevice.objects.filter(user=user).exists():
                    services.sign_in_password_accepted(attempt)
                    request.session[PENDING_USER_KEY] = user.pk
                    return redirect("accounts:second_factor")
                return _complete_sign_in(request, user, attempt, second_factor=False)
    return _sign_in_page(request, form)


def _sso_refused(request: HttpRequest, error: services.SsoRefused) -> HttpResponse:
    organisation = error.config.organisation if error.config is not None else None
    services.sso_sign_in_refused(
        error=error, organisation=organisation, ip_address=client_address(request)
    )
    return _sign_in_page(request, SignInForm(), error=str(error), status=403)


@require_GET
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the organisation's provider to sign in with its account."""
    if request.user.is_authenticated:
        return redirect("people:dashboard")
    config = selectors.sso_config_for(slug)
    if config is None:
        raise Http404("That organisation does not sign in with its own accounts.")
    try:
        response = oidc.start(request, config)
    except services.SsoRefused as error:
        return _sso_refused(request, error)
    request.session[NEXT_KEY] = request.GET.get("next", "")
    return response


def _sso_state(request: HttpRequest) -> dict[str, str] | None:
    """The state this browser started, taken out of the session so it is never used twice."""
    states = request.session.get("oidc_states") or {}
    entry = states.pop(request.GET.get("state", ""), None)
    request.session["oidc_states"] = states
    return entry if isinstance(entry, dict) else None


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back: the code is exchanged, the ID token checked,
    and the member of staff it names signed in (or sent on to their second factor)."""
    organisation_id = request.session.get(oidc.SSO_ORGANISATION_KEY)
    config = selectors.sso_config_of_organisation(organisation_id) if organisation_id else None
    entry = _sso_state(request)
    try:
        if config is None:
            raise services.SsoRefused(Refusal.NOT_STARTED, None)
        if request.GET.get("error"):
            raise services.SsoRefused(Refusal.CANCELLED, config)
        if entry is None or not request.GET.get("code"):
            raise services.SsoRefused(Refusal.REPLAYED, config)
        claims = oidc.verified_claims(
            request, config, nonce=entry["nonce"], code_verifier=entry.get("code_verifier")
        )
        match = services.sso_identify(config=config, claims=claims)
    except services.SsoRefused as error:
        return _sso_refused(request, error)
    user = match.user
    destination = request.session.get(NEXT_KEY, "")
    request.session.cycle_key()
    request.session[NEXT_KEY] = destination
    request.session[PENDING_METHOD_KEY] = "organisation account"
    needs_code = user.needs_second_factor or TotpDevice.objects.filter(user=user).exists()
    if match.provider_mfa:
        return _complete_sign_in(request, user, None, second_factor="provider")
    if needs_code:
        request.session[PENDING_USER_KEY] = user.pk
        return redirect("accounts:second_factor")
    return _complete_sign_in(request, user, None, second_factor=False)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER_KEY)
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for a code, or, for someone without an authenticator yet, set one up."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in with your email address and password first.")
        return redirect("accounts:sign_in")
    has_device = TotpDevice.objects.filter(user=user).exists()
    form = CodeForm(request.POST or None)
    if not has_device and PENDING_SECRET_KEY not in request.session:
        request.session[PENDING_SECRET_KEY] = services.new_totp_secret()
    secret = request.session.get(PENDING_SECRET_KEY, "")
    if request.method == "POST" and form.is_valid():
        attempt = services.sign_in_try(email=user.email, ip_address=client_address(request))
        if attempt is None:
            form.add_error(None, LOCKED_MESSAGE.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES))
        elif has_device:
            if services.totp_check(user=user, code=form.cleaned_data["code"]):
                return _complete_sign_in(request, user, attempt, second_factor=True)
            services.sign_in_failed(attempt=attempt, what="code")
            form.add_error("code", "That code is not right, or was already used. Try the next one.")
        else:
            try:
                services.totp_enroll(user=user, secret=secret, code=form.cleaned_data["code"])
            except ValidationFailed as error:
                services.sign_in_failed(attempt=attempt, what="code")
                form.add_error("code", error.errors["code"])
            else:
                return _complete_sign_in(request, user, attempt, second_factor=True)
    context: dict[str, object] = {"form": form, "pending": user, "setting_up": not has_device}
    if not has_device:
        uri = services.totp_provisioning_uri(user=user, secret=secret)
        context["qr_svg"] = segno.make(uri, error="m").svg_inline(scale=5, title="Set-up QR code")
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/second_factor.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(action=AuditAction.SIGN_OUT, actor=request.user, obj=request.user)
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = viewer_of(request)
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                actor=user, name=form.cleaned_data["name"]
            )
        except ValidationFailed as error:
            form.add_error("name", error.errors.get("name", str(error)))
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = viewer_of(request)
    try:
        token = services.api_token_revoke(actor=user, token_id=token_id)
    except ChaperonError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Token “{token.name}” revoked. Anything using it stops now.")
    return redirect("accounts:api_tokens")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's view, with the change written to the audit log. A valid link of someone whose
    organisation has since turned password sign-in off is refused, pointing to its sign-in."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = self.get_user(kwargs["uidb64"])
        token = kwargs["token"]
        if token == self.reset_url_token:
            token = request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        # Only a link that is still valid says so: any other is "no longer works", as before,
        # so that a made-up link tells nothing of the account.
        if (
            user is not None
            and self.token_generator.check_token(user, token)
            and not selectors.password_sign_in_allowed(user)
        ):
            config = selectors.sso_config_of_organisation(user.organisation_id)
            context = {
                "organisation": user.organisation,
                "provider": config.get_provider_display() if config else "",
            }
            return render(request, "accounts/password_reset_sso_only.html", context, status=403)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            record(action=AuditAction.PASSWORD_CHANGED, actor=form.user, obj=form.user)
        return response


@login_required
@require_POST
def second_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = viewer_of(request)
    target = User.objects.filter(pk=user_id, organisation_id=actor.organisation_id).first()
    if target is None:
        raise Http404("No such account.")
    try:
        services.totp_reset(actor=actor, user=target, reason=request.POST.get("reason", ""))
    except ValidationFailed as error:
        messages.error(request, error.errors.get("reason", str(error)))
    except (NotFound, NeedsSafeguardingLead) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{target.full_name} will set up a new authenticator at their next sign-in."
        )
    return redirect("people:staff_detail", target.staff.pk)
