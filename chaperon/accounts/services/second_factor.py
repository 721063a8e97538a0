"""The second factor: authenticator (TOTP) set-up, checking a code once, and resetting a lost one
(audited)."""

import hmac
import time

import pyotp
from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.privileges import Refusal, refuse_staff_change, sign_in_change_refusal
from chaperon.people.roles import Permission

from ..models import TotpDevice

TOTP_STEP_SECONDS = 30
TOTP_ISSUER = "Chaperon"


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
