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


class SsoProvider(models.TextChoices):
    ENTRA = "entra", "Microsoft Entra ID"
    GOOGLE = "google", "Google Workspace"


class SingleSignOn(models.Model):
    """How one organisation's staff sign in with their organisation account (OpenID Connect).

    The client secret is never here: it is read from the file named for the organisation in
    the ``SSO_CLIENT_SECRET_FILES`` setting, at each sign-in."""

    organisation = models.OneToOneField(
        "people.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    provider = models.CharField(max_length=10, choices=SsoProvider.choices)
    # For Entra: https://login.microsoftonline.com/<tenant id>/v2.0; for Google:
    # https://accounts.google.com. Its endpoints are read from its discovery document.
    issuer = models.URLField(max_length=300)
    client_id = models.CharField(max_length=200)
    # Entra: only tokens whose ``tid`` claim is this tenant are accepted.
    tenant_id = models.CharField(max_length=100, blank=True)
    # Comma-separated domains. Google: the ``hd`` claim must be one; both: a first match by
    # email address needs an address in one of them.
    email_domains = models.CharField(max_length=500, blank=True)
    # The provider's own multi-factor sign-in (``amr`` holding ``mfa``) stands for Chaperon's
    # second factor when this is on.
    accept_provider_mfa = models.BooleanField(default=False)
    # Off: staff sign in only with the organisation account, never with a Chaperon password.
    password_sign_in = models.BooleanField(default=True)
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.get_provider_display()} sign-in of organisation {self.organisation_id}"

    @property
    def domains(self) -> list[str]:
        return [part.strip().lower() for part in self.email_domains.split(",") if part.strip()]


class SsoIdentity(models.Model):
    """A staff member's account at their organisation's provider, by its stable subject id
    (``sub``), recorded the first time it matched them by a verified email address. From then
    on the subject alone signs them in, whatever their email address at the provider becomes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.URLField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
