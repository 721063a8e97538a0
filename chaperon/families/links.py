"""The family page's personal link: ``<guardian id>.<nonce>``, dated and signed with the
secret key and a salt of its own (so no other link of the product opens it). It works for
``FAMILY_LINK_DAYS`` days from the email that carried it, and stops at once for every link sent
so far when the nonce changes (``services.family_links_stop``)."""

import hmac
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from chaperon.core.exceptions import ChaperonError
from chaperon.core.links import absolute_url
from chaperon.people.models import Guardian

from .models import FamilyLinkKey

SALT = "chaperon.families.page"

PROBLEMS = {
    "invalid": "This link is not valid.",
    "expired": "This link has expired.",
    "stopped": "This link has been stopped.",
}


class FamilyLinkProblem(ChaperonError):
    """A family page link that cannot be used: ``problem`` is a key of ``PROBLEMS``."""

    def __init__(self, problem: str, *, guardian: Guardian | None = None) -> None:
        self.problem = problem
        self.guardian = guardian
        super().__init__(PROBLEMS[problem])


def key_of(guardian_id: int) -> FamilyLinkKey:
    guardian = Guardian.objects.only("organisation_id").get(pk=guardian_id)
    key, _ = FamilyLinkKey.objects.get_or_create(
        guardian_id=guardian_id, defaults={"organisation_id": guardian.organisation_id}
    )
    return key


def family_token(guardian_id: int) -> str:
    key = key_of(guardian_id)
    return signing.TimestampSigner(salt=SALT).sign(f"{guardian_id}.{key.nonce}")


def family_url(guardian_id: int) -> str:
    return absolute_url(reverse("families:page", args=[family_token(guardian_id)]))


def open_family_link(token: str) -> FamilyLinkKey:
    """The key a link was made with, if the link still works; ``FamilyLinkProblem`` if not."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=timedelta(days=settings.FAMILY_LINK_DAYS))
    except signing.SignatureExpired:
        value = signer.unsign(token)
        expired = True
    except signing.BadSignature:
        raise FamilyLinkProblem("invalid") from None
    else:
        expired = False
    guardian_id, _, nonce = value.partition(".")
    key = (
        FamilyLinkKey.objects.select_related("guardian", "organisation")
        .filter(guardian_id=int(guardian_id))
        .first()
        if guardian_id.isdigit()
        else None
    )
    if key is None:
        raise FamilyLinkProblem("invalid")
    if not hmac.compare_digest(key.nonce, nonce):
        raise FamilyLinkProblem("stopped", guardian=key.guardian)
    if expired:
        raise FamilyLinkProblem("expired", guardian=key.guardian)
    return key
