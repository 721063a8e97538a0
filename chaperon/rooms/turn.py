"""TURN credentials of the TURN REST shared-secret scheme (coturn's ``use-auth-secret``).

Chaperon and the TURN server share a secret; nothing is stored per person. A credential is
``username = "<expiry unix time>:<opaque id>"`` and ``credential = base64(HMAC-SHA1(secret,
username))``; the TURN server recomputes the HMAC and refuses a username whose time has
passed. Only someone the host has admitted gets one (``ice_servers_for``), and it lasts
``ROOM_TURN_CREDENTIAL_MINUTES`` (3 hours by default, at most 6): a password that works for
everyone, for ever, is never put in a page.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# A member of staff's pre-call check gathers one relay candidate: a few minutes are plenty.
CHECK_MINUTES = 5


@dataclass(frozen=True)
class TurnCredential:
    username: str
    credential: str
    expires_at: int  # unix time

    def ice_server(self, urls: list[str]) -> dict[str, Any]:
        return {"urls": list(urls), "username": self.username, "credential": self.credential}


def turn_credential(*, secret: str, opaque_id: str, now: float, minutes: int) -> TurnCredential:
    """The credential for ``opaque_id`` (no name, no email address: coturn logs it), valid
    from ``now`` for ``minutes``."""
    if not secret:
        raise ValueError("a TURN credential needs the shared secret")
    if ":" in opaque_id or not opaque_id:
        raise ValueError("the opaque id is a non-empty word without a colon")
    expires_at = int(now) + minutes * 60
    username = f"{expires_at}:{opaque_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return TurnCredential(username, base64.b64encode(digest).decode("ascii"), expires_at)


def turn_configured() -> bool:
    return bool(settings.ROOM_TURN_URLS and settings.ROOM_TURN_SECRET)


def ice_servers_for(*, opaque_id: str, now: float, minutes: int | None = None) -> list[Any]:
    """What an admitted person's browser connects through: the STUN servers everyone has and,
    when TURN is configured, the TURN servers with a credential of their own."""
    servers: list[Any] = list(settings.ROOM_ICE_SERVERS)
    if turn_configured():
        credential = turn_credential(
            secret=settings.ROOM_TURN_SECRET,
            opaque_id=opaque_id,
            now=now,
            minutes=minutes or settings.ROOM_TURN_CREDENTIAL_MINUTES,
        )
        servers.append(credential.ice_server(settings.ROOM_TURN_URLS))
    return servers
