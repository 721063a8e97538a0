"""Staff agree to the acceptable use agreement in force before they use Chaperon (ORG-2)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from chaperon.accounts.middleware import EXEMPT_PREFIXES
from chaperon.people.models import User

from .agreements import has_signed_current

# Where the session remembers that its user agreed (or that nothing needed agreeing).
AGREED_KEY = "governance:aup_agreed"
SIGN_PATH = "/governance/agreement/"


def remember_agreement_at_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """At sign-in (Django's ``user_logged_in``, connected in ``apps.py``): whether the user
    has agreed to the staff agreement in force is settled there, once, so that their pages
    ask nothing more of the database for it."""
    if isinstance(user, User) and request is not None and has_signed_current(user):
        request.session[AGREED_KEY] = True


class AcceptableUseMiddleware:
    """A member of staff who has not signed the staff agreement in force is sent to sign it
    from every page, and then on to where they were going. Whether they have is settled once
    per signed-in session: at sign-in (``remember_agreement_at_sign_in``), or on the first
    page of a session begun before. A version published later is asked for at their next
    sign-in. Placed after the second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not request.session.get(AGREED_KEY)
            and not request.path.startswith((*EXEMPT_PREFIXES, SIGN_PATH, "/favicon.ico"))
        ):
            if has_signed_current(user):
                request.session[AGREED_KEY] = True
            else:
                asked = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('governance:agreement')}?{asked}")
        return self.get_response(request)
