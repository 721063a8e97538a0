"""Bearer tokens for integrations. A token acts as the user who made it, with their roles."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from chaperon.accounts.services import api_token_user
from chaperon.people.models import User


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer chp_…``. Revoked tokens and deactivated users are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            # Selectors, services and the audit log all take the viewer from ``request.user``.
            request.user = user
        return user
