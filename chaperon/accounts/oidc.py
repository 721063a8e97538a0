"""OpenID Connect through mozilla-django-oidc, with each organisation's own provider.

The library builds the authorisation request (state, nonce and PKCE kept in the session),
exchanges the code for tokens and checks the ID token's signature against the provider's
published keys and its nonce. Its settings are global; here they come from the organisation's
``SingleSignOn`` and the provider's discovery document instead, and the ID token is decoded
with its issuer, audience, expiry and issue time checked as well (PyJWT, with a small
allowance for clock difference).
"""

from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from chaperon.people.models import User

from .models import SingleSignOn, SsoProvider
from .services.sso import Refusal, SsoRefused

# Which organisation's sign-in this browser started (the callback's state says the rest).
SSO_ORGANISATION_KEY = "chaperon_sso_organisation"
DISCOVERY_SECONDS = 3600


def discovery(config: SingleSignOn) -> dict[str, Any]:
    """The provider's discovery document (kept an hour); its issuer must be the one set."""
    key = f"sso-discovery:{config.issuer}"
    document: dict[str, Any] | None = cache.get(key)
    if document is None:
        try:
            response = requests.get(
                f"{config.issuer}/.well-known/openid-configuration",
                timeout=settings.OIDC_TIMEOUT,
            )
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SsoRefused(Refusal.PROVIDER_ERROR, config) from error
        if not isinstance(document, dict) or document.get("issuer") != config.issuer:
            raise SsoRefused(Refusal.WRONG_ISSUER, config)
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def client_secret(config: SingleSignOn) -> str:
    path = settings.SSO_CLIENT_SECRET_FILES.get(config.organisation.slug)
    try:
        secret = path.read_text().strip() if path is not None else ""
    except OSError as error:
        raise SsoRefused(Refusal.NOT_CONFIGURED, config) from error
    if not secret:
        raise SsoRefused(Refusal.NOT_CONFIGURED, config)
    return secret


class OrganisationSignInRequest(OIDCAuthenticationRequestView):
    """Send the browser to the organisation's provider, remembering state, nonce and PKCE."""

    def __init__(self, *, config: SingleSignOn, document: dict[str, Any]) -> None:
        View.__init__(self)  # the library's own reads the global settings, unused here
        self.config = config
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = config.client_id

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.config.provider == SsoProvider.GOOGLE and self.config.domains:
            params["hd"] = self.config.domains[0]  # Google offers only that domain's accounts
        return params


def start(request: HttpRequest, config: SingleSignOn) -> HttpResponse:
    document = discovery(config)
    client_secret(config)  # refuse before the provider, not after, when no secret is set
    request.session[SSO_ORGANISATION_KEY] = config.organisation_id
    view = OrganisationSignInRequest(config=config, document=document)
    view.setup(request)
    response: HttpResponse = view.get(request)
    return response


class OrganisationBackend(OIDCAuthenticationBackend):
    """The library's code flow, against one organisation's provider; gives the ID token's
    verified claims, and leaves deciding who they name to ``services.sso_identify``."""

    def __init__(self, *, config: SingleSignOn, document: dict[str, Any]) -> None:
        self.config = config
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = config.client_id
        self.OIDC_RP_CLIENT_SECRET = client_secret(config)
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    def get_payload_data(self, token: str, key: Any) -> dict[str, Any]:
        if jwt.get_unverified_header(token).get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SsoRefused(Refusal.INVALID_TOKEN, self.config)
        payload: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=self._issuers(),
            leeway=settings.SSO_CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "aud", "iss", "sub"]},
        )
        # Issued to several audiences: it must have been issued to us (OpenID Connect 3.1.3.7).
        if isinstance(payload.get("aud"), list) and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SsoRefused(Refusal.WRONG_AUDIENCE, self.config)
        return payload

    def _issuers(self) -> list[str]:
        # Google's ID tokens may name their issuer without the scheme (its documentation).
        if self.config.provider == SsoProvider.GOOGLE:
            return [self.config.issuer, self.config.issuer.removeprefix("https://")]
        return [self.config.issuer]

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        return payload


def verified_claims(
    request: HttpRequest, config: SingleSignOn, *, nonce: str, code_verifier: str | None
) -> dict[str, Any]:
    """Exchange the callback's code and check the ID token; its claims, or ``SsoRefused``."""
    backend = OrganisationBackend(config=config, document=discovery(config))
    try:
        claims = backend.authenticate(request, nonce=nonce, code_verifier=code_verifier)
    except jwt.ExpiredSignatureError as error:
        raise SsoRefused(Refusal.EXPIRED, config) from error
    except jwt.InvalidAudienceError as error:
        raise SsoRefused(Refusal.WRONG_AUDIENCE, config) from error
    except jwt.InvalidIssuerError as error:
        raise SsoRefused(Refusal.WRONG_ISSUER, config) from error
    except jwt.InvalidTokenError as error:
        raise SsoRefused(Refusal.INVALID_TOKEN, config) from error
    except SuspiciousOperation as error:  # the nonce is not this browser's: a replayed token
        raise SsoRefused(Refusal.REPLAYED, config) from error
    except (requests.RequestException, ValueError, KeyError) as error:
        # The provider refused the code (already used, or not ours) or answered nonsense.
        raise SsoRefused(Refusal.PROVIDER_ERROR, config) from error
    if not isinstance(claims, dict):
        raise SsoRefused(Refusal.INVALID_TOKEN, config)
    return claims
