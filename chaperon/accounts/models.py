import hashlib

from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    """An authenticator app (RFC 6238, 30-second steps, 6 digits) that a user has confirmed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    # The last time step accepted: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of user {self.user_id}"


class SignInCounter(models.Model):
    """How many tries at a password or code one account, or one network address, has used in
    its current window. A try is counted before the password or code is checked, by one
    conditional ``UPDATE`` that only succeeds below the limit, so tries made at the same moment
    can never add up to more than the limit (``services.sign_in_try``)."""

    # "account:<SHA-256 of the address in its normal form>" or "address:<IP address>"
    key = models.CharField(max_length=100, unique=True)
    tries = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.tries} since {self.window_started:%Y-%m-%d %H:%M}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an integration. Only its SHA-256 digest is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
