"""The personal link to agree to an acceptable use agreement (ORG-2): ``<request id>.<nonce>``
signed with the secret key and a salt of its own, so no other link of the product opens it.
It works for ``LINK_DAYS`` days, once: when the agreement is signed (by this link or another
sent for the same learner) or a newer version is published, it stops."""

import hmac
import secrets
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from chaperon.core.exceptions import ChaperonError
from chaperon.core.links import absolute_url

from .models import AupRequest, AupVersion

SALT = "chaperon.governance.agreement"
LINK_DAYS = 30
LINK_ACTOR = "personal link (acceptable use agreement)"

PROBLEMS = {
    "invalid": "This link is not valid.",
    "expired": "This link has expired: the school can send a new one.",
    "used": "This agreement has already been signed. Thank you.",
    "superseded": "A newer version of this agreement has been published: the school will send it.",
}


class AupLinkProblem(ChaperonError):
    """A link that cannot be used: ``problem`` is a key of ``PROBLEMS``."""

    def __init__(self, problem: str, *, aup_request: AupRequest | None = None) -> None:
        self.problem = problem
        self.aup_request = aup_request
        super().__init__(PROBLEMS[problem])


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def agreement_token(aup_request: AupRequest) -> str:
    return signing.Signer(salt=SALT).sign(f"{aup_request.pk}.{aup_request.nonce}")


def agreement_url(aup_request: AupRequest) -> str:
    return absolute_url(reverse("agree", args=[agreement_token(aup_request)]))


def open_agreement_link(token: str) -> AupRequest:
    """The request a link was sent for, if it can still be signed; ``AupLinkProblem`` if not."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise AupLinkProblem("invalid") from None
    pk, _, nonce = value.partition(".")
    aup_request = (
        AupRequest.objects.select_related("organisation", "version", "learner", "guardian")
        .filter(pk=int(pk))
        .first()
        if pk.isdigit()
        else None
    )
    if aup_request is None or not hmac.compare_digest(aup_request.nonce, nonce):
        raise AupLinkProblem("invalid")
    if aup_request.signed_at is not None:
        raise AupLinkProblem("used", aup_request=aup_request)
    version = aup_request.version
    if AupVersion.objects.filter(
        organisation_id=version.organisation_id,
        audience=version.audience,
        number__gt=version.number,
    ).exists():
        raise AupLinkProblem("superseded", aup_request=aup_request)
    if aup_request.created_at + timedelta(days=LINK_DAYS) <= timezone.now():
        raise AupLinkProblem("expired", aup_request=aup_request)
    return aup_request
