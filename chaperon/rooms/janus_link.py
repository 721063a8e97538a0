"""One person's way into the media server: a Janus session over Janus's WebSocket API, held by
the server for that person's room connection. It has a publisher handle (their camera,
microphone and, for the host, screen) and one subscriber handle carrying everything they may
receive. Browsers never talk to Janus's API: they get session descriptions through the room's
WebSocket, and only media flows between them and Janus.

No Django here: the consumer decides what is allowed and calls this to do it."""

import asyncio
import contextlib
import json
import secrets
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

VIDEOROOM = "janus.plugin.videoroom"
KEEPALIVE_SECONDS = 25.0  # Janus drops a session silent for 60 s
ANSWER_SECONDS = 10.0  # how long a request may wait for Janus's event


class LinkError(Exception):
    """Janus refused, or could not be reached; the message says which."""


@dataclass(frozen=True)
class Ticket:
    """What the server joins the room with on a person's behalf. Never sent to a browser."""

    room: int
    pin: str
    token: str
    display: str


@dataclass
class Feed:
    """A publisher in the room: Janus's feed id and whose it is (``display`` is the
    participant id the server gave at their join)."""

    feed_id: int
    participant_id: int


@dataclass
class Offer:
    """A description Janus made for the browser, and which participant each mid carries."""

    sdp: str
    mids: dict[str, int] = field(default_factory=dict)


Events = Callable[[str, dict[str, Any]], Awaitable[None]]


class JanusLink:
    """``on_event(kind, data)`` hears what Janus says unasked: ``"publishers"`` (the feeds in
    the room changed), ``"kicked"`` and ``"closed"`` (the link is gone)."""

    def __init__(self, ws_url: str, on_event: Events) -> None:
        self.ws_url = ws_url
        self.on_event = on_event
        self.socket: ClientConnection | None = None
        self.session_id = 0
        self.publisher = 0
        self.subscriber = 0
        self.feed_id = 0
        self.private_id = 0
        self.ticket: Ticket | None = None
        self.feeds: dict[int, Feed] = {}
        self.subscribed: set[int] = set()
        self.mids: dict[str, int] = {}  # what the browser receives: mid -> participant
        self.thumbnails: set[int] = set()  # feeds received as their lowest simulcast layer
        self.thumbnail_mids: set[str] = set()
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.closed = False

    # Opening and closing -----------------------------------------------------------------

    async def open(self, ticket: Ticket) -> None:
        """Connect, make a session, and join the room as a publisher (without media yet)."""
        try:
            self.socket = await connect(
                self.ws_url,
                subprotocols=[Subprotocol("janus-protocol")],
                open_timeout=ANSWER_SECONDS,
            )
        except (OSError, WebSocketException, TimeoutError) as error:
            raise LinkError(
                f"The media server at {self.ws_url} cannot be reached: {error}"
            ) from error
        self.ticket = ticket
        self._tasks.append(asyncio.create_task(self._read()))
        created = await self._request({"janus": "create"})
        self.session_id = int(created["data"]["id"])
        self._tasks.append(asyncio.create_task(self._keepalive()))
        self.publisher = await self._attach()
        joined = await self._message(
            self.publisher,
            {
                "request": "join",
                "ptype": "publisher",
                "room": ticket.room,
                "pin": ticket.pin,
                "token": ticket.token,
                "display": ticket.display,
            },
        )
        data = _plugin_data(joined)
        self.feed_id = int(data["id"])
        self.private_id = int(data.get("private_id") or 0)
        self._note_publishers(data.get("publishers") or [])

    async def close(self) -> None:
        """Leave Janus: destroying the session takes its handles, publication and
        subscriptions with it."""
        if self.closed:
            return
        self.closed = True
        if self.socket is not None and self.session_id:
            with contextlib.suppress(Exception):
                await self._send({"janus": "destroy", "session_id": self.session_id})
        for task in self._tasks:
            task.cancel()
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(LinkError("The link to the media server closed."))

    # Publishing ------------------------------------------------------------------------------

    async def publish(self, sdp: str) -> str:
        """Send the browser's offer (checked by the caller); returns Janus's answer."""
        event = await self._message(
            self.publisher, {"request": "publish"}, jsep={"type": "offer", "sdp": sdp}
        )
        jsep = event.get("jsep") or {}
        if jsep.get("type") != "answer":
            raise LinkError("The media server did not answer the offer.")
        return str(jsep["sdp"])

    async def trickle(self, *, subscriber: bool, candidate: dict[str, Any] | None) -> None:
        handle = self.subscriber if subscriber else self.publisher
        if not handle:
            return
        body: dict[str, Any] = {"janus": "trickle", "session_id": self.session_id}
        body["handle_id"] = handle
        body["candidate"] = candidate if candidate else {"completed": True}
        await self._send(body)

    # Subscribing -----------------------------------------------------------------------------

    async def subscribe(self, feed_ids: set[int], *, low: Collection[int] = ()) -> Offer | None:
        """Receive exactly these feeds, those in ``low`` as their lowest simulcast layer (a
        thumbnail); returns Janus's new offer for the browser, or None when nothing changed."""
        wanted = {feed for feed in feed_ids if feed in self.feeds}

        def stream(feed: int) -> dict[str, int]:
            return {"feed": feed, "substream": 0} if feed in low else {"feed": feed}

        if wanted == self.subscribed:
            return None
        if self.ticket is None:
            raise LinkError("Not in the room yet.")
        if not self.subscriber:
            if not wanted:
                return None
            self.subscriber = await self._attach()
            event = await self._message(
                self.subscriber,
                {
                    "request": "join",
                    "ptype": "subscriber",
                    "room": self.ticket.room,
                    "pin": self.ticket.pin,
                    "private_id": self.private_id,
                    # The server changes what is received, never Janus on its own.
                    "autoupdate": False,
                    "streams": [stream(feed) for feed in sorted(wanted)],
                },
            )
        else:
            update: dict[str, Any] = {"request": "update"}
            if wanted - self.subscribed:  # Janus refuses an empty list
                update["subscribe"] = [stream(f) for f in sorted(wanted - self.subscribed)]
            if self.subscribed - wanted:
                update["unsubscribe"] = [{"feed": f} for f in sorted(self.subscribed - wanted)]
            event = await self._message(self.subscriber, update)
        self.thumbnails = (self.thumbnails & wanted) | (set(low) & (wanted - self.subscribed))
        self.subscribed = wanted
        jsep = event.get("jsep") or {}
        if jsep.get("type") != "offer":
            return None
        streams = _plugin_data(event).get("streams") or []
        self.thumbnail_mids = {
            str(stream["mid"]) for stream in streams if stream.get("feed_id") in self.thumbnails
        }
        mids = {
            str(stream["mid"]): int(stream["feed_display"])
            for stream in streams
            if stream.get("active", True) and str(stream.get("feed_display", "")).isdigit()
        }
        self.mids = mids
        return Offer(sdp=str(jsep["sdp"]), mids=mids)

    async def answer(self, sdp: str) -> None:
        """The browser's answer to Janus's offer for what it receives."""
        if self.subscriber:
            await self._message(
                self.subscriber, {"request": "start"}, jsep={"type": "answer", "sdp": sdp}
            )

    async def _keep_thumbnail(self, mid: str, substream: int) -> None:
        """Janus starts a simulcast subscription on whichever layer's keyframe comes first and
        moves to the layer asked for only at a keyframe of that layer, which a browser sends
        only when asked. When a thumbnail starts on a larger layer, ask again for the lowest:
        Janus then requests a keyframe, and the switch follows."""
        if mid in self.thumbnail_mids and substream != 0 and self.subscriber:
            await self._send(
                {
                    "janus": "message",
                    "session_id": self.session_id,
                    "handle_id": self.subscriber,
                    "body": {"request": "configure", "streams": [{"mid": mid, "substream": 0}]},
                }
            )

    # Janus's protocol ------------------------------------------------------------------------

    def _note_publishers(self, publishers: list[dict[str, Any]]) -> None:
        for publisher in publishers:
            display = str(publisher.get("display", ""))
            if display.isdigit() and publisher.get("id") != self.feed_id:
                self.feeds[int(publisher["id"])] = Feed(int(publisher["id"]), int(display))

    async def _attach(self) -> int:
        attached = await self._request(
            {"janus": "attach", "session_id": self.session_id, "plugin": VIDEOROOM}
        )
        return int(attached["data"]["id"])

    async def _message(
        self, handle: int, body: dict[str, Any], *, jsep: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "janus": "message",
            "session_id": self.session_id,
            "handle_id": handle,
            "body": body,
        }
        if jsep is not None:
            request["jsep"] = jsep
        answer = await self._request(request)
        data = _plugin_data(answer)
        if "error" in data:
            raise LinkError(f"The media server refused: {data['error']}")
        return answer

    async def _request(self, request: dict[str, Any]) -> dict[str, Any]:
        transaction = secrets.token_hex(8)
        waiting: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[transaction] = waiting
        try:
            await self._send({**request, "transaction": transaction})
            answer = await asyncio.wait_for(waiting, ANSWER_SECONDS)
        except TimeoutError as error:
            raise LinkError("The media server did not answer in time.") from error
        finally:
            self._waiting.pop(transaction, None)
        if answer.get("janus") == "error":
            reason = (answer.get("error") or {}).get("reason", "unknown error")
            raise LinkError(f"The media server refused: {reason}")
        return answer

    async def _send(self, message: dict[str, Any]) -> None:
        if self.socket is None:
            raise LinkError("Not connected to the media server.")
        if "transaction" not in message:
            message = {**message, "transaction": secrets.token_hex(8)}
        try:
            await self.socket.send(json.dumps(message))
        except WebSocketException as error:
            raise LinkError("The link to the media server closed.") from error

    async def _keepalive(self) -> None:
        while not self.closed:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            with contextlib.suppress(LinkError):
                await self._send({"janus": "keepalive", "session_id": self.session_id})

    async def _read(self) -> None:
        if self.socket is None:
            return
        try:
            async for raw in self.socket:
                message = json.loads(raw)
                if isinstance(message, dict):
                    await self._dispatch(message)
        except (WebSocketException, OSError, ValueError):
            pass
        finally:
            if not self.closed:
                self.closed = True
                for waiting in self._waiting.values():
                    if not waiting.done():
                        waiting.set_exception(LinkError("The link to the media server closed."))
                await self.on_event("closed", {})

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("janus")
        waiting = self._waiting.get(str(message.get("transaction", "")))
        if kind == "ack" and waiting is not None:
            return  # the event with the same transaction follows
        if waiting is not None and not waiting.done() and kind in ("success", "error", "event"):
            waiting.set_result(message)
            return
        if kind == "event":
            data = _plugin_data(message)
            if data.get("leaving") == "ok":  # this person was kicked out of Janus's room
                await self.on_event("kicked", data)
            elif "publishers" in data:
                self._note_publishers(data["publishers"])
                await self.on_event("publishers", data)
            elif isinstance(data.get("substream"), int) and "mid" in data:
                with contextlib.suppress(LinkError):
                    await self._keep_thumbnail(str(data["mid"]), data["substream"])
            else:
                gone = next(
                    (data[key] for key in ("unpublished", "leaving", "kicked") if key in data), None
                )
                feed = self.feeds.pop(gone, None) if isinstance(gone, int) else None
                if feed is not None:
                    # Janus has stopped sending it already; the browser drops its tile now.
                    self.subscribed.discard(feed.feed_id)
                    self.mids = {
                        mid: who for mid, who in self.mids.items() if who != feed.participant_id
                    }
                    await self.on_event("gone", {"mids": self.mids})
        elif kind in ("hangup", "detached", "timeout"):
            await self.on_event(str(kind), message)


def _plugin_data(message: dict[str, Any]) -> dict[str, Any]:
    data = (message.get("plugindata") or {}).get("data") or {}
    return data if isinstance(data, dict) else {}
