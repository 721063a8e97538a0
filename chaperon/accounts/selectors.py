"""Reads for sign-in: which organisations sign in with their own accounts, and how."""

from dataclasses import dataclass

from django.db.models import QuerySet

from chaperon.people.models import User

from .models import SingleSignOn


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
