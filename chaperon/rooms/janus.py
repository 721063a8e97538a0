"""Janus (Debian's ``janus``, its VideoRoom plugin) as the SFU of group sessions.

Chaperon stays the authority: browsers never talk to Janus's API and never see a room's
secret. Chaperon's server creates each room private, with a ``secret`` (to manage it), a
``pin`` (to join it) and an empty ``allowed`` list (so a publisher must also show a token
Chaperon added for them), and with ``require_pvtid`` (so a subscriber must show the
``private_id`` of a publisher handle in the same room). Everyone's joins are made by
Chaperon's server on their behalf.

``JanusAdmin`` manages rooms through the Admin API's ``message_plugin`` request: one HTTP POST
per call, no Janus session to keep alive. It is plain synchronous code, for services.
"""

import secrets
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings

from chaperon.core.exceptions import ChaperonError

VIDEOROOM = "janus.plugin.videoroom"

# The VideoRoom plugin's error codes that some calls expect (janus_videoroom.c).
NO_SUCH_ROOM = 426
ROOM_EXISTS = 427
NO_SUCH_FEED = 428

# What every room Chaperon creates has: VP8 and Opus (every browser has both), one keyframe
# request every 10 s, about 256 kbit/s per publisher's video (a class of thumbnails).
ROOM_BITRATE = 256_000
ROOM_FIR_FREQ = 10
ROOM_VIDEOCODEC = "vp8"
ROOM_AUDIOCODEC = "opus"


class JanusError(ChaperonError):
    """Janus refused a request (its words are in the message, ``code`` is its error code), or
    could not be reached (the message names the URL; ``code`` is None)."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SfuConfig:
    http_url: str  # Janus HTTP API base, e.g. "http://127.0.0.1:8088/janus"
    admin_url: str  # Janus Admin API, e.g. "http://127.0.0.1:7088/admin"
    ws_url: str  # Janus WebSocket API, e.g. "ws://127.0.0.1:8188/" (protocol "janus-protocol")
    # The secrets are never shown (a log line, a traceback).
    admin_secret: str = field(repr=False)  # the Admin API's admin_secret
    room_admin_key: str = field(repr=False)  # the VideoRoom plugin's admin_key (to create rooms)

    @classmethod
    def at(cls, urls: dict[str, str], *, admin_secret: str, room_admin_key: str) -> "SfuConfig":
        """The SFU at ``urls``, the ``ROOM_SFU_*`` URLs ``janus_urls`` gives for a Janus
        configured by ``write_janus_config``."""
        return cls(
            http_url=urls["ROOM_SFU_HTTP_URL"],
            admin_url=urls["ROOM_SFU_ADMIN_URL"],
            ws_url=urls["ROOM_SFU_WS_URL"],
            admin_secret=admin_secret,
            room_admin_key=room_admin_key,
        )


def sfu_config() -> SfuConfig | None:
    """The SFU of the settings (``ROOM_SFU_*``), or None when ``ROOM_SFU_HTTP_URL`` is unset:
    the rooms then stay a browser mesh."""
    if not settings.ROOM_SFU_HTTP_URL:
        return None
    return SfuConfig(
        http_url=settings.ROOM_SFU_HTTP_URL,
        admin_url=settings.ROOM_SFU_ADMIN_URL,
        ws_url=settings.ROOM_SFU_WS_URL,
        admin_secret=settings.ROOM_SFU_ADMIN_SECRET,
        room_admin_key=settings.ROOM_SFU_ROOM_ADMIN_KEY,
    )


class JanusAdmin:
    """The VideoRoom rooms of one Janus, through its Admin API. One pooled HTTP session per
    instance: keep an instance for many calls, ``close()`` it when done."""

    def __init__(self, config: SfuConfig, *, timeout: float = 5.0) -> None:
        self.config = config
        self.timeout = timeout
        self._http = requests.Session()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "JanusAdmin":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def create_room(
        self, *, room_id: int, secret: str, pin: str, publishers: int, description: str
    ) -> None:
        """A private room that only tokens added with ``allow`` may publish in (the list starts
        empty), ``pin`` needed to join, ``secret`` to manage it. If a room with this id exists
        already, nothing is created; it must answer to ``secret`` (else JanusError)."""
        if not secret or not pin:
            raise ValueError("a room on the SFU needs a secret and a pin")
        answer = self._videoroom(
            {
                "request": "create",
                "admin_key": self.config.room_admin_key,
                "room": room_id,
                "permanent": False,
                "description": description,
                "secret": secret,
                "pin": pin,
                "is_private": True,
                "allowed": [],
                "require_pvtid": True,
                "notify_joining": True,
                "publishers": publishers,
                "bitrate": ROOM_BITRATE,
                "fir_freq": ROOM_FIR_FREQ,
                "videocodec": ROOM_VIDEOCODEC,
                "audiocodec": ROOM_AUDIOCODEC,
            },
            tolerate={ROOM_EXISTS},
        )
        if answer.get("error_code") == ROOM_EXISTS:
            # The same room asked for again; adding no token proves it answers to this secret.
            self.allow(room_id=room_id, secret=secret, tokens=[])

    def destroy_room(self, *, room_id: int, secret: str) -> None:
        """Destroy the room (everyone in it is told and dropped); nothing if it is gone."""
        self._videoroom(
            {"request": "destroy", "room": room_id, "secret": secret, "permanent": False},
            tolerate={NO_SUCH_ROOM},
        )

    def allow(self, *, room_id: int, secret: str, tokens: list[str]) -> None:
        """Let ``tokens`` join the room as publishers (with the pin)."""
        self._allowed(room_id=room_id, secret=secret, action="add", tokens=tokens)

    def disallow(self, *, room_id: int, secret: str, tokens: list[str]) -> None:
        """Take ``tokens`` off the room's list (those not on it, or a room that is gone, are
        fine). Someone already in stays until kicked."""
        self._allowed(room_id=room_id, secret=secret, action="remove", tokens=tokens)

    def kick(self, *, room_id: int, secret: str, feed_id: int) -> None:
        """Drop the participant ``feed_id`` (and, as the room requires private ids, stop media
        to their subscriptions); nothing if they, or the room, are gone."""
        self._videoroom(
            {"request": "kick", "room": room_id, "secret": secret, "id": feed_id},
            tolerate={NO_SUCH_ROOM, NO_SUCH_FEED},
        )

    def moderate(self, *, room_id: int, secret: str, feed_id: int, mid: str, mute: bool) -> None:
        """Stop (``mute``) or resume forwarding the stream ``mid`` of publisher ``feed_id``."""
        self._videoroom(
            {
                "request": "moderate",
                "room": room_id,
                "secret": secret,
                "id": feed_id,
                "mid": mid,
                "mute": mute,
            }
        )

    def participants(self, *, room_id: int) -> list[dict[str, Any]]:
        """Everyone joined to the room as a publisher (whether publishing media or not): each
        with ``id``, ``display`` if given, ``publisher`` (sending media) and ``talking``."""
        answer = self._videoroom({"request": "listparticipants", "room": room_id})
        return list(answer.get("participants", []))

    def room_exists(self, *, room_id: int) -> bool:
        answer = self._videoroom({"request": "exists", "room": room_id})
        return bool(answer.get("exists"))

    def _allowed(self, *, room_id: int, secret: str, action: str, tokens: list[str]) -> None:
        self._videoroom(
            {
                "request": "allowed",
                "room": room_id,
                "secret": secret,
                "action": action,
                "allowed": list(tokens),
            },
            tolerate={NO_SUCH_ROOM} if action == "remove" else set(),
        )

    def _videoroom(
        self, request: dict[str, Any], *, tolerate: set[int] | None = None
    ) -> dict[str, Any]:
        """The VideoRoom plugin's answer to ``request``; JanusError unless it succeeded or
        failed with an error code in ``tolerate``."""
        answer = self._admin({"janus": "message_plugin", "plugin": VIDEOROOM, "request": request})
        response = answer.get("response")
        if not isinstance(response, dict):
            raise JanusError(f"Janus at {self.config.admin_url} gave no VideoRoom answer")
        code = response.get("error_code")
        if code is not None and code not in (tolerate or set()):
            raise JanusError(
                f"Janus's VideoRoom refused {request['request']!r} for room "
                f"{request.get('room')}: {response.get('error', 'no reason given')} ({code})",
                code=int(code),
            )
        return response

    def _admin(self, body: dict[str, Any]) -> dict[str, Any]:
        url = self.config.admin_url
        body = {
            **body,
            "transaction": secrets.token_hex(8),
            "admin_secret": self.config.admin_secret,
        }
        try:
            reply = self._http.post(url, json=body, timeout=self.timeout)
        except requests.RequestException as error:
            raise JanusError(f"Janus is unreachable at {url}: {error}") from error
        if reply.status_code != 200:
            raise JanusError(f"Janus at {url} answered HTTP {reply.status_code}, not 200")
        try:
            answer = reply.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise JanusError(f"Janus at {url} did not answer with a JSON object")
        if answer.get("janus") != "success":
            refusal = answer.get("error") or {}
            raise JanusError(
                f"Janus at {url} refused {body['janus']!r}: "
                f"{refusal.get('reason', 'no reason given')} ({refusal.get('code')})",
                code=refusal.get("code"),
            )
        return answer
