"""Sign-in protection: each try at a password or code counted against the account and the
address, lockout after repeated failures, and every sign-in and failure audited."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.service_log import logged
from chaperon.people.emails import normalise_email
from chaperon.people.models import User

from ..models import SignInCounter

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
def sign_in_failed(*, attempt: SignInTry, what: str, reason: str = "") -> None:
    """Audit a refused password or code (its try is already counted), and the lockout if it
    used the account's last try. ``reason`` says why a right password was still refused."""
    user = User.objects.filter(email=attempt.email).first()
    data: dict[str, Any] = {"ip": attempt.ip_address}
    if reason:
        data["reason"] = reason
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
    *,
    user: User,
    ip_address: str | None,
    second_factor: bool | str,
    attempt: SignInTry | None = None,
    method: str = "password",
) -> None:
    """Signed in: the account's failures are forgotten, and the address's try given back.
    ``method`` is "password" or "organisation account"; ``second_factor`` True for Chaperon's
    own code, "provider" where the organisation account's provider asserted MFA."""
    with transaction.atomic():
        SignInCounter.objects.filter(key=account_key(user.email)).delete()
        if attempt is not None and attempt.ip_address:
            _give_back(_address_key(attempt.ip_address))
        record(
            action=AuditAction.SIGN_IN,
            actor=user,
            obj=user,
            data={"ip": ip_address, "second_factor": second_factor, "method": method},
        )
