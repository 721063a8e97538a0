"""Sign-in protection, the second factor and API tokens. Every change is audited."""

import hmac
import secrets
import time
from datetime import datetime, timedelta

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.people.models import User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission

from .models import ApiToken, SignInFailure, TotpDevice, token_digest

TOTP_STEP_SECONDS = 30
TOTP_ISSUER = "Chaperon"


# Lockout -----------------------------------------------------------------------------------------


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def sign_in_locked(*, email: str, ip_address: str | None) -> bool:
    """True while the account, or the address it comes from, has failed too often lately."""
    recent = SignInFailure.objects.filter(at__gte=_window_start())
    limit = settings.SIGN_IN_MAX_FAILURES
    if recent.filter(email=email.strip().lower()).count() >= limit:
        return True
    # One address trying many accounts is stopped too, with more room for a shared school network.
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def sign_in_failed(*, email: str, ip_address: str | None, what: str) -> None:
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    with transaction.atomic():
        SignInFailure.objects.create(email=email, ip_address=ip_address, at=timezone.now())
        action = AuditAction.SECOND_FACTOR_FAILED if what == "code" else AuditAction.SIGN_IN_FAILED
        record(action=action, obj=user, actor_label=email, data={"ip": ip_address})
        failures = SignInFailure.objects.filter(email=email, at__gte=_window_start()).count()
        if failures == settings.SIGN_IN_MAX_FAILURES:
            record(
                action=AuditAction.SIGN_IN_LOCKED,
                obj=user,
                actor_label=email,
                data={"ip": ip_address, "minutes": settings.SIGN_IN_LOCKOUT_MINUTES},
            )


def sign_in_succeeded(*, user: User, ip_address: str | None, second_factor: bool) -> None:
    with transaction.atomic():
        SignInFailure.objects.filter(email=user.email).delete()
        record(
            action=AuditAction.SIGN_IN,
            actor=user,
            obj=user,
            data={"ip": ip_address, "second_factor": second_factor},
        )


# Second factor -----------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32(length=32)


def totp_provisioning_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (now, or one either side for clock drift) whose code is ``code``."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // TOTP_STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None


def totp_enroll(*, user: User, secret: str, code: str) -> TotpDevice:
    """Confirm a new authenticator by one of its codes, replacing any earlier one."""
    step = _matching_step(secret, code, time.time())
    if step is None:
        raise ValidationFailed({"code": "that code does not match; enter the 6 digits shown now"})
    with transaction.atomic():
        device, _created = TotpDevice.objects.update_or_create(
            user=user,
            defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": step},
        )
        record(action=AuditAction.SECOND_FACTOR_ENROLLED, actor=user, obj=user)
    return device


def totp_check(*, user: User, code: str) -> bool:
    """Accept a code once: a code already used (or an older one) is refused."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return False
        step = _matching_step(device.secret, code, time.time())
        if step is None or step <= device.last_used_step:
            return False
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
    return True


def totp_reset(*, actor: User, user: User, reason: str) -> None:
    """Remove someone's authenticator (lost phone); they set up a new one at next sign-in."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, user)
    if not reason.strip():
        raise ValidationFailed({"reason": "say why the authenticator is being reset"})
    with transaction.atomic():
        deleted, _ = TotpDevice.objects.filter(user=user).delete()
        if not deleted:
            raise NotFound("That account has no authenticator to reset.")
        record(action=AuditAction.SECOND_FACTOR_RESET, actor=actor, obj=user, reason=reason)


# API tokens --------------------------------------------------------------------------------------


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a token acting as ``actor``. The secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "give the token a name that says what uses it"})
    prefix = secrets.token_hex(4)
    secret = f"chp_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:100], prefix=prefix, digest=token_digest(secret)
        )
        record(action=AuditAction.API_TOKEN_CREATED, actor=actor, obj=token)
    return token, secret


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound("No such token.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(action=AuditAction.API_TOKEN_REVOKED, actor=actor, obj=token)
    return token


def api_token_user(secret: str) -> User | None:
    """The active user a presented token acts as, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
