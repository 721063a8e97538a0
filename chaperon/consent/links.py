"""Personal links: a request link (works once, expires) and an access link (to see, change or
withdraw consent; never expires, revoked when a newer request replaces it).

A token is ``<id>.<nonce>`` signed with the secret key and a salt of its own, so a forged or
altered token fails the signature, a request link cannot open an access page and the other
way round, and a link can be revoked by changing the row's nonce. The link can be made again
from the row at any time (for a reminder or a receipt), so nothing secret is stored.
"""

import hmac
import secrets

from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from chaperon.core.exceptions import ChaperonError
from chaperon.core.links import absolute_url

from .models import ConsentAccess, ConsentRequest, RequestStatus

REQUEST_SALT = "chaperon.consent.request"
ACCESS_SALT = "chaperon.consent.access"

LINK_PROBLEMS = {
    "invalid": "This link is not valid.",
    "expired": "This link has expired.",
    "used": "This link has already been used.",
    "superseded": "This link has been replaced by a newer one.",
    "revoked": "This link has been replaced by a newer one.",
}


class LinkProblem(ChaperonError):
    """A personal link that cannot be used: ``problem`` is a key of ``LINK_PROBLEMS``."""

    def __init__(self, problem: str, *, request: ConsentRequest | None = None) -> None:
        self.problem = problem
        self.request = request
        super().__init__(LINK_PROBLEMS[problem])


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _sign(salt: str, pk: int, nonce: str) -> str:
    return signing.Signer(salt=salt).sign(f"{pk}.{nonce}")


def request_token(consent_request: ConsentRequest) -> str:
    return _sign(REQUEST_SALT, consent_request.pk, consent_request.nonce)


def access_token(access: ConsentAccess) -> str:
    return _sign(ACCESS_SALT, access.pk, access.nonce)


def request_url(consent_request: ConsentRequest) -> str:
    return absolute_url(reverse("consent:answer", args=[request_token(consent_request)]))


def access_url(access: ConsentAccess) -> str:
    return absolute_url(reverse("consent:manage", args=[access_token(access)]))


def _row[Row: (ConsentRequest, ConsentAccess)](
    token: str, salt: str, queryset: models.QuerySet[Row]
) -> Row:
    try:
        value = signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    pk, _, nonce = value.partition(".")
    row = queryset.filter(pk=int(pk)).first() if pk.isdigit() else None
    if row is None or not hmac.compare_digest(row.nonce, nonce):
        raise LinkProblem("invalid")
    return row


def open_request(token: str) -> ConsentRequest:
    """The request a link is for, if it can still be answered; ``LinkProblem`` otherwise."""
    queryset = ConsentRequest.objects.select_related(
        "organisation", "learner", "guardian", "statement", "access"
    )
    consent_request = _row(token, REQUEST_SALT, queryset)
    if consent_request.status == RequestStatus.ANSWERED:
        raise LinkProblem("used", request=consent_request)
    if consent_request.status == RequestStatus.SUPERSEDED:
        raise LinkProblem("superseded", request=consent_request)
    if consent_request.status != RequestStatus.AWAITING:
        raise LinkProblem("invalid")
    if consent_request.expires_at <= timezone.now():
        raise LinkProblem("expired", request=consent_request)
    return consent_request


def open_access(token: str) -> ConsentAccess:
    """The access a link is for, unless revoked; ``LinkProblem`` otherwise."""
    queryset = ConsentAccess.objects.select_related("organisation", "learner", "guardian")
    access = _row(token, ACCESS_SALT, queryset)
    if access.revoked_at is not None:
        raise LinkProblem("revoked")
    return access
