"""Reads for sign-in: which organisations sign in with their own accounts, and how."""

from dataclasses import dataclass

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


def password_sign_in_allowed(user: User) -> bool:
    """False when the user's organisation signs in only with organisation accounts."""
    return not SingleSignOn.objects.filter(
        organisation_id=user.organisation_id, enabled=True, password_sign_in=False
    ).exists()
