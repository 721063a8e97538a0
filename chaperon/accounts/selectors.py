"""Reads for sign-in: which organisations sign in with their own accounts, and how."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from chaperon.people.models import Organisation, User

from .models import SingleSignOn, SsoIdentity


@dataclass(frozen=True)
class SsoChoice:
    slug: str
    organisation: str
    provider: str


def sso_choices() -> list[SsoChoice]:
    """The organisations whose staff may sign in with their organisation account, for the
    sign-in page's buttons."""
    configs = (
        SingleSignOn.objects.filter(enabled=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [
        SsoChoice(
            slug=config.organisation.slug,
            organisation=config.organisation.name,
            provider=config.get_provider_display(),
        )
        for config in configs
    ]


def sso_config_for(slug: str) -> SingleSignOn | None:
    return (
        SingleSignOn.objects.filter(organisation__slug=slug, enabled=True)
        .select_related("organisation")
        .first()
    )


def sso_settings_of(organisation: Organisation) -> SingleSignOn | None:
    """The organisation's settings, whether on or off, for its Single sign-on page."""
    return SingleSignOn.objects.filter(organisation=organisation).first()


def sso_config_of_organisation(organisation_id: int) -> SingleSignOn | None:
    return (
        SingleSignOn.objects.filter(organisation_id=organisation_id, enabled=True)
        .select_related("organisation")
        .first()
    )


def _password_sign_in_off() -> QuerySet[SingleSignOn]:
    return SingleSignOn.objects.filter(enabled=True, password_sign_in=False)


def password_sign_in_allowed(user: User) -> bool:
    """False when the user's organisation signs in only with organisation accounts."""
    return not _password_sign_in_off().filter(organisation_id=user.organisation_id).exists()


def users_who_may_set_a_password(email: str) -> QuerySet[User]:
    """The active accounts with the address ``email`` (in its normal form) whose organisation
    lets them sign in with a password: those a reset link may be sent to."""
    return User.objects.filter(email=email, is_active=True).exclude(
        organisation_id__in=_password_sign_in_off().values("organisation_id")
    )


@dataclass(frozen=True)
class SecretFile:
    """Where an organisation's client secret is read from, and whether it can be: never the
    secret itself."""

    slug: str
    path: Path | None
    problem: str  # empty when the file is there, readable and not empty

    @property
    def ready(self) -> bool:
        return not self.problem


def client_secret_file(organisation: Organisation) -> SecretFile:
    """The ``SSO_CLIENT_SECRET_FILES`` entry named for ``organisation``, checked as a sign-in
    would read it."""
    path = settings.SSO_CLIENT_SECRET_FILES.get(organisation.slug)
    if path is None:
        problem = f"SSO_CLIENT_SECRET_FILES has no entry {organisation.slug}=<file>"
    else:
        try:
            problem = "" if path.read_text().strip() else f"the file {path} is empty"
        except FileNotFoundError:
            problem = f"the file {path} is missing"
        except OSError:
            problem = f"the file {path} cannot be read by Chaperon"
    return SecretFile(slug=organisation.slug, path=path, problem=problem)


def signed_in_with_organisation_account(user: User, *, issuer: str) -> bool:
    """Whether ``user`` has signed in at least once through the provider ``issuer``."""
    return SsoIdentity.objects.filter(
        user=user, issuer=issuer.rstrip("/"), last_used_at__isnull=False
    ).exists()
