"""API tokens: made (the secret shown once), revoked, and the user a presented one acts as."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User

from ..models import ApiToken, token_digest


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
