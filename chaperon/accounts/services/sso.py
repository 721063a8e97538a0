"""Sign-in with an organisation account (OpenID Connect): who the provider's verified claims
name, organisation accounts only (SES-11), and every refusal audited (LOG-2).

The token itself (signature, issuer, audience, expiry, nonce) is checked before these run, in
``chaperon.accounts.oidc``; here only its claims are judged.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ChaperonError, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.emails import normalise_email
from chaperon.people.models import Organisation, StaffMember, User
from chaperon.people.permissions import can, require, require_same_organisation
from chaperon.people.roles import Permission

from ..models import SingleSignOn, SsoIdentity, SsoProvider
from ..selectors import client_secret_file, signed_in_with_organisation_account

# Entra ID's tenant of personal Microsoft accounts (outlook.com, hotmail.com, live.com).
MICROSOFT_PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


class Refusal(enum.StrEnum):
    """Why a sign-in with an organisation account was refused (kept in the audit log)."""

    NOT_CONFIGURED = "not_configured"
    NOT_STARTED = "not_started"
    PROVIDER_ERROR = "provider_error"
    CANCELLED = "cancelled"
    REPLAYED = "replayed"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (a reason, not a secret)
    WRONG_AUDIENCE = "wrong_audience"
    WRONG_ISSUER = "wrong_issuer"
    EXPIRED = "expired"
    PERSONAL_ACCOUNT = "personal_account"
    OTHER_ORGANISATION = "other_organisation"
    UNVERIFIED_EMAIL = "unverified_email"
    NO_STAFF_RECORD = "no_staff_record"
    DISABLED = "disabled"


MESSAGES = {
    Refusal.NOT_CONFIGURED: "{org} does not sign in with organisation accounts. "
    "Sign in with your email address and password.",
    Refusal.NOT_STARTED: "That sign-in was not started from this page. Try again below.",
    Refusal.PROVIDER_ERROR: "{org}'s sign-in service did not answer properly. Try again, and "
    "if it goes on, ask your IT team.",
    Refusal.CANCELLED: "The sign-in was cancelled at {org}'s sign-in service. Try again below.",
    Refusal.REPLAYED: "That sign-in was already used, or was not started in this browser. "
    "Start again below.",
    Refusal.INVALID_TOKEN: "The answer from the sign-in service could not be verified, so it "
    "was refused. Try again below.",
    Refusal.WRONG_AUDIENCE: "That sign-in was issued for another application, so it was "
    "refused. Start again below.",
    Refusal.WRONG_ISSUER: "That sign-in came from a service {org} does not use, so it was "
    "refused. Start again below.",
    Refusal.EXPIRED: "That sign-in had expired. Start again below.",
    Refusal.PERSONAL_ACCOUNT: "That is a personal account, not a {org} account. Sign out of it "
    "at {provider} and sign in with your {org} account.",
    Refusal.OTHER_ORGANISATION: "That account belongs to another organisation, not {org}. "
    "Sign in with your {org} account.",
    Refusal.UNVERIFIED_EMAIL: "{provider} has not verified the email address of that account, "
    "so it cannot be matched to a member of staff. Ask your IT team to verify it.",
    Refusal.NO_STAFF_RECORD: "No member of staff at {org} has the email address of that "
    "account. Ask your designated safeguarding lead to add you as staff.",
    Refusal.DISABLED: "This account no longer signs in to {org}'s Chaperon: it was closed "
    "when its holder left, or disabled.",
}


class SsoRefused(ChaperonError):
    """A sign-in with an organisation account that must not go on; ``str()`` tells the person
    why and what to do."""

    def __init__(self, reason: Refusal, config: SingleSignOn | None, *, label: str = "") -> None:
        self.reason = reason
        self.config = config
        self.label = label  # the subject or address the provider named, for the audit log
        org = config.organisation.name if config is not None else "Your organisation"
        provider = config.get_provider_display() if config is not None else "The provider"
        super().__init__(MESSAGES[reason].format(org=org, provider=provider))


@dataclass(frozen=True)
class SsoMatch:
    user: User
    # The provider said the person gave more than one factor, and the organisation accepts it
    # in place of Chaperon's own second factor.
    provider_mfa: bool


def _organisation_account_check(config: SingleSignOn, claims: Mapping[str, Any]) -> None:
    label = str(claims.get("email") or claims.get("sub") or "")
    if config.provider == SsoProvider.ENTRA:
        tenant = str(claims.get("tid") or "")
        if tenant == MICROSOFT_PERSONAL_TENANT:
            raise SsoRefused(Refusal.PERSONAL_ACCOUNT, config, label=label)
        if not tenant or tenant.lower() != config.tenant_id.lower():
            raise SsoRefused(Refusal.OTHER_ORGANISATION, config, label=label)
    else:
        domain = str(claims.get("hd") or "").lower()
        if not domain:  # Google leaves hd out for Gmail and other personal accounts
            raise SsoRefused(Refusal.PERSONAL_ACCOUNT, config, label=label)
        if domain not in config.domains:
            raise SsoRefused(Refusal.OTHER_ORGANISATION, config, label=label)


def _email_verified(config: SingleSignOn, claims: Mapping[str, Any]) -> bool:
    # Entra says it with the optional claim xms_edov (email domain owner verified).
    flags = [claims.get("email_verified")]
    if config.provider == SsoProvider.ENTRA:
        flags.append(claims.get("xms_edov"))
    return any(flag is True or str(flag).lower() == "true" for flag in flags)


def _first_match(config: SingleSignOn, claims: Mapping[str, Any]) -> User:
    """The member of staff whose address the provider verified, in the organisation."""
    email = normalise_email(str(claims.get("email") or ""))
    if not email or not _email_verified(config, claims):
        raise SsoRefused(Refusal.UNVERIFIED_EMAIL, config, label=email or str(claims["sub"]))
    domain = email.rpartition("@")[2]
    if config.domains and domain not in config.domains:
        raise SsoRefused(Refusal.OTHER_ORGANISATION, config, label=email)
    user = User.objects.filter(email=email, organisation_id=config.organisation_id).first()
    if user is None or not StaffMember.objects.filter(user=user).exists():
        raise SsoRefused(Refusal.NO_STAFF_RECORD, config, label=email)
    return user


def _still_active(config: SingleSignOn, user: User, label: str) -> None:
    staff = StaffMember.objects.filter(user=user).only("left_on").first()
    if not user.is_active or staff is None or staff.left_on is not None:
        raise SsoRefused(Refusal.DISABLED, config, label=label)


@logged
def sso_identify(*, config: SingleSignOn, claims: Mapping[str, Any]) -> SsoMatch:
    """The member of staff the verified ID token ``claims`` name, or ``SsoRefused``.

    The caller guarantees that the token's signature, issuer, audience, expiry and nonce were
    checked. Only the organisation's own tenant (Entra ``tid``) or domain (Google ``hd``) gets
    in. A subject seen before signs in its staff member whatever email it now carries; a new
    subject is matched once by a verified email address and then recorded (audited)."""
    _organisation_account_check(config, claims)
    subject = str(claims["sub"])
    identity = (
        SsoIdentity.objects.select_related("user")
        .filter(issuer=config.issuer, subject=subject, user__organisation_id=config.organisation_id)
        .first()
    )
    if identity is not None:
        user = identity.user
        _still_active(config, user, subject)
        SsoIdentity.objects.filter(pk=identity.pk).update(last_used_at=timezone.now())
    else:
        user = _first_match(config, claims)
        _still_active(config, user, user.email)
        _link(config=config, user=user, subject=subject)
    amr = claims.get("amr") or []
    provider_mfa = config.accept_provider_mfa and isinstance(amr, list) and "mfa" in amr
    return SsoMatch(user=user, provider_mfa=provider_mfa)


def _link(*, config: SingleSignOn, user: User, subject: str) -> None:
    try:
        with transaction.atomic():
            SsoIdentity.objects.create(
                user=user, issuer=config.issuer, subject=subject, last_used_at=timezone.now()
            )
            record(
                action=AuditAction.SSO_IDENTITY_LINKED,
                actor=user,
                obj=user,
                data={"issuer": config.issuer, "provider": config.provider},
            )
    except IntegrityError:
        # The same subject was linked a moment ago (two tabs): that link stands.
        pass


@logged
def sso_sign_in_refused(
    *, error: SsoRefused, organisation: Organisation | None, ip_address: str | None
) -> None:
    """Audit a refused sign-in with an organisation account, in the organisation's chain."""
    data: dict[str, Any] = {"ip": ip_address, "reason": str(error.reason)}
    if error.config is not None:
        data["issuer"] = error.config.issuer
    with transaction.atomic():
        record(
            action=AuditAction.SSO_SIGN_IN_REFUSED,
            obj=organisation,
            actor_label=error.label[:200] or "organisation account",
            data=data,
        )


@dataclass(frozen=True)
class SsoSettings:
    provider: str
    issuer: str
    client_id: str
    tenant_id: str = ""
    email_domains: str = ""
    accept_provider_mfa: bool = False
    password_sign_in: bool = True
    enabled: bool = True


def _validated(organisation: Organisation, wanted: SsoSettings) -> SingleSignOn:
    config = SingleSignOn.objects.filter(organisation=organisation).first() or SingleSignOn(
        organisation=organisation
    )
    for field, value in vars(wanted).items():
        setattr(config, field, value)
    errors: dict[str, str] = {}
    if config.provider not in SsoProvider.values:
        errors["provider"] = f"choose one of {', '.join(SsoProvider.values)}"
    if not config.issuer.startswith(("https://", "http://127.0.0.1")):
        errors["issuer"] = "give the provider's issuer URL, starting https://"
    if not config.client_id.strip():
        errors["client_id"] = "give the client (application) id registered at the provider"
    if config.provider == SsoProvider.ENTRA and not config.tenant_id.strip():
        errors["tenant_id"] = "give the organisation's Entra tenant id (a GUID)"
    if config.provider == SsoProvider.GOOGLE and not config.domains:
        errors["email_domains"] = "give the organisation's Google Workspace domain(s)"
    if errors:
        raise ValidationFailed(errors)
    config.issuer = config.issuer.rstrip("/")
    return config


# Why password sign-in may not be turned off yet.
OFF_NEEDS_ACCOUNTS_ON = (
    "password sign-in can only be turned off while sign-in with organisation accounts is on "
    "(Enabled: yes); otherwise nobody could sign in"
)
OFF_NEEDS_THE_FILE = (
    "password sign-in can only be turned off once the client secret's file is in place ({}); "
    "ask whoever runs Chaperon to put it there"
)
OFF_NEEDS_A_TRY = (
    "sign in once with your organisation account first (sign out, then use the button on the "
    "sign-in page), so that you know it works, then turn password sign-in off"
)
MFA_NEEDS_A_LEAD = (
    "only someone who may give the privileged roles (the DSL) may accept the provider's "
    "multi-factor sign-in in place of Chaperon's second factor, as it changes how they sign "
    "in; ask them to do it"
)


def _refusals_for(actor: User, before: SingleSignOn | None, config: SingleSignOn) -> dict[str, str]:
    """What a member of staff may not change as asked, field by field (the command line, run by
    whoever runs Chaperon, is not held to these)."""
    errors: dict[str, str] = {}
    newly_accepted = config.accept_provider_mfa and not (before and before.accept_provider_mfa)
    if newly_accepted and not can(actor, Permission.GIVE_PRIVILEGED_ROLES):
        errors["accept_provider_mfa"] = MFA_NEEDS_A_LEAD
    if not config.password_sign_in and (before is None or before.password_sign_in):
        secret = client_secret_file(config.organisation)
        if not config.enabled:
            errors["password_sign_in"] = OFF_NEEDS_ACCOUNTS_ON
        elif not secret.ready:
            errors["password_sign_in"] = OFF_NEEDS_THE_FILE.format(secret.problem)
        elif not signed_in_with_organisation_account(actor, issuer=config.issuer):
            errors["password_sign_in"] = OFF_NEEDS_A_TRY
    return errors


@logged
def sso_configure(
    *, actor: User | SystemActor, organisation: Organisation, wanted: SsoSettings
) -> SingleSignOn:
    """Set how ``organisation``'s staff sign in with their organisation accounts (audited):
    by the operator (``chaperon sso set``), who also places the client secret's file, or by
    a member of staff granted MANAGE_SINGLE_SIGN_ON on the Single sign-on page. Password
    sign-in is only turned off by staff with sign-in by organisation account on, the secret
    in place and tried by themselves; nothing is changed when anything is refused."""
    require(actor, Permission.MANAGE_SINGLE_SIGN_ON)
    require_same_organisation(actor, organisation)
    before = SingleSignOn.objects.filter(organisation=organisation).first()
    config = _validated(organisation, wanted)
    if isinstance(actor, User):
        refusals = _refusals_for(actor, before, config)
        if refusals:
            raise ValidationFailed(refusals)
    changed = sorted(
        field
        for field in vars(wanted)
        if before is None or getattr(before, field) != getattr(config, field)
    )
    with transaction.atomic():
        config.save()
        record(
            action=AuditAction.SSO_CONFIGURED,
            actor=actor,
            obj=organisation,
            data={
                "provider": config.provider,
                "issuer": config.issuer,
                "accept_provider_mfa": config.accept_provider_mfa,
                "password_sign_in": config.password_sign_in,
                "enabled": config.enabled,
                "changed": changed,
            },
        )
    return config
