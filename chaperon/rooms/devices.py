"""The device a join link was opened on (ROOM-1, ROOM-6).

The door gives each browser a random secret in a cookie of its own, kept only by that browser;
the room keeps only the secret's SHA-256 with the person's place. A forwarded link and its
passcode open the door on another browser, but that browser holds another secret: it is a
second device, and waits for the host.
"""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEVICE_COOKIE = "chaperon_room_device"
DEVICE_COOKIE_DAYS = 30


def device_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def device_of(cookies: dict[str, str]) -> str:
    """The device hash of a connection's cookies. A connection without the cookie gets one
    that no other connection can ever match: it is never taken for a device admitted before."""
    secret = cookies.get(DEVICE_COOKIE) or ""
    return device_hash(secret if len(secret) >= 32 else "unknown:" + secrets.token_hex(32))


def keep_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give this browser its device secret unless it has one already."""
    if len(request.COOKIES.get(DEVICE_COOKIE, "")) < 32:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(32),
            max_age=DEVICE_COOKIE_DAYS * 24 * 60 * 60,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def scope_cookies(scope: dict[str, Any]) -> dict[str, str]:
    cookies: dict[str, str] = scope.get("cookies") or {}
    return cookies
