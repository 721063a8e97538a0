"""Sign-in protection, the second factor and API tokens. Every change is audited."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.emails import normalise_email
from chaperon.people.models import User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.privileges import Refusal, refuse_staff_change, sign_in_change_refusal
from chaperon.people.roles import Permission

from .models import ApiToken, SignInCounter, TotpDevice, token_digest

TOTP_STEP_SECONDS = 30
TOTP_ISSUER = "Chaperon"


# Lockout -----------------------------------------------------------------------------------------

# One address trying many accounts is stopped too, with more room for a shared school network.
ADDRESS_LIMIT_FACTOR = 4


@dataclass(frozen=True)
class SignInTry:
    """One try at a password or code, already counted against the account and the address."""

    email: str  # in its normal form: the same key whichever spelling was typed
    ip_address: str | None
    last: bool  # this try used the account's last one: failing it locks the account


@logged
def account_key(email: str) -> str:
    # A digest: any length of address typed fits, and the table holds no addresses.
    return f"account:{hashlib.sha256(email.encode()).hexdigest()}"


def _address_key(ip_address: str) -> str:
    return f"address:{ip_address}"


def _take_one(key: str, limit: int, now: datetime) -> int | None:
    """Count one try against ``key``; the tries used so far, or None when none is left.

    The ``UPDATE`` counts only while the window has tries left (or has ended, which starts a new
    one): on PostgreSQL a concurrent try waits for this row and then re-checks that condition
    on the row as this one left it; SQLite runs one writer at a time. The caller's transaction
    keeps the row locked until it ends, so the count read back is this try's own.
    """
    cutoff = now - timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    SignInCounter.objects.bulk_create(
        [SignInCounter(key=key, tries=0, window_started=now)], ignore_conflicts=True
    )
    ended = Q(window_started__lt=cutoff)
    counted = (
        SignInCounter.objects.filter(key=key)
        .filter(Q(tries__lt=limit) | ended)
        .update(
            tries=Case(When(ended, then=Value(1)), default=F("tries") + 1),
            window_started=Case(When(ended, then=Value(now)), default=F("window_started")),
        )
    )
    if not counted:
        return None
    return SignInCounter.objects.values_list("tries", flat=True).get(key=key)


@logged
def sign_in_try(*, email: str, ip_address: str | None) -> SignInTry | None:
    """Count a try at signing in as ``email`` from ``ip_address`` before the password or code
    is checked; None while the account or the address has no tries left (locked).

    Counting first means that however many tries arrive at once, no more than the limit are
    ever checked. A try that succeeds is given back (``sign_in_succeeded``,
    ``sign_in_password_accepted``).
    """
    email = normalise_email(email)
    limit = settings.SIGN_IN_MAX_FAILURES
    now = timezone.now()
    with transaction.atomic():
        used = _take_one(account_key(email), limit, now)
        if used is None:
            return None
        if (
            ip_address
            and _take_one(_address_key(ip_address), limit * ADDRESS_LIMIT_FACTOR, now) is None
        ):
            transaction.set_rollback(True)  # the account's try is not counted either
            return None
    return SignInTry(email=email, ip_address=ip_address, last=used == limit)


def _give_back(key: str) -> None:
    SignInCounter.objects.filter(key=key, tries__gt=0).update(tries=F("tries") - 1)


@logged
def sign_in_password_accepted(attempt: SignInTry) -> None:
    """The password was right but a code is still to come: the try is not a failure."""
    with transaction.atomic():
        _give_back(account_key(attempt.email))
        if attempt.ip_address:
            _give_back(_address_key(attempt.ip_address))


@logged
def sign_in_failed(*, attempt: SignInTry, what: str) -> None:
    """Audit a refused password or code (its try is already counted), and the lockout if it
    used the account's last try."""
    user = User.objects.filter(email=attempt.email).first()
    data = {"ip": attempt.ip_address}
    action = AuditAction.SECOND_FACTOR_FAILED if what == "code" else AuditAction.SIGN_IN_FAILED
    with transaction.atomic():
        record(action=action, obj=user, actor_label=attempt.email, data=data)
        if attempt.last:
            record(
                action=AuditAction.SIGN_IN_LOCKED,
                obj=user,
                actor_label=attempt.email,
                data=data | {"minutes": settings.SIGN_IN_LOCKOUT_MINUTES},
            )


@logged
def sign_in_succeeded(
    *, user: User, ip_address: str | None, second_factor: bool, attempt: SignInTry | None = None
) -> None:
    """Signed in: the account's failures are forgotten, and the address's try given back."""
    with transaction.atomic():
        SignInCounter.objects.filter(key=account_key(user.email)).delete()
        if attempt is not None and attempt.ip_address:
            _give_back(_address_key(attempt.ip_address))
        record(
            action=AuditAction.SIGN_IN,
            actor=user,
            obj=user,
            data={"ip": ip_address, "second_factor": second_factor},
        )


# Second factor -----------------------------------------------------------------------------------


@logged
def new_totp_secret() -> str:
    return pyotp.random_base32(length=32)


@logged
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


@logged
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


@logged
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


@logged
def totp_reset(*, actor: User, user: User, reason: str) -> None:
    """Remove someone's authenticator (lost phone); they set up a new one at next sign-in."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, user)
    if not reason.strip():
        raise ValidationFailed({"reason": "say why the authenticator is being reset"})
    # Whoever resets it could set up their own in its place: as good as signing in as them.
    why = sign_in_change_refusal(actor, holder=user, roles=user.roles)
    if why:
        refusal = Refusal(user, why, {"asked": ["authenticator"]})
        raise refuse_staff_change(actor=actor, refusal=refusal)
    with transaction.atomic():
        deleted, _ = TotpDevice.objects.filter(user=user).delete()
        if not deleted:
            raise NotFound("That account has no authenticator to reset.")
        record(action=AuditAction.SECOND_FACTOR_RESET, actor=actor, obj=user, reason=reason)


# API tokens --------------------------------------------------------------------------------------


@logged
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


@logged
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


@logged
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
