"""The server's link to Janus, against a stand-in for Janus's WebSocket API on loopback: what
it asks of Janus when Janus reports a thumbnail on the wrong simulcast layer."""

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from chaperon.rooms.janus_link import JanusLink, Ticket
from tests.serve_support import run_async

SESSION, PUBLISHER, SUBSCRIBER = 1, 10, 11
LEARNER_FEED, COLLEAGUE_FEED = 201, 202


class StandIn:
    """Answers what the link asks when joining and subscribing, and keeps what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.configures: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connection: ServerConnection | None = None
        self.handles = iter([PUBLISHER, SUBSCRIBER])

    async def handle(self, connection: ServerConnection) -> None:
        self.connection = connection
        async for raw in connection:
            message = json.loads(raw)
            self.received.append(message)
            answer = self.answer(message)
            if answer is not None:
                await connection.send(json.dumps({**answer, "transaction": message["transaction"]}))

    def answer(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message["janus"] == "create":
            return {"janus": "success", "data": {"id": SESSION}}
        if message["janus"] == "attach":
            return {"janus": "success", "data": {"id": next(self.handles)}}
        if message["janus"] != "message":
            return None
        body = message["body"]
        if body["request"] == "configure":
            self.configures.put_nowait(body)
            return None
        if body.get("ptype") == "publisher":
            publishers = [
                {"id": LEARNER_FEED, "display": "7"},
                {"id": COLLEAGUE_FEED, "display": "8"},
            ]
            data = {"videoroom": "joined", "id": 100, "private_id": 5, "publishers": publishers}
            return {"janus": "event", "plugindata": {"data": data}}
        streams = [
            {"mid": "0", "feed_id": LEARNER_FEED, "feed_display": "7"},
            {"mid": "1", "feed_id": COLLEAGUE_FEED, "feed_display": "8"},
        ]
        return {
            "janus": "event",
            "plugindata": {"data": {"videoroom": "attached", "streams": streams}},
            "jsep": {"type": "offer", "sdp": "v=0"},
        }

    async def report_layer(self, mid: str, substream: int) -> None:
        """What Janus says unasked when a subscription's layer changes."""
        assert self.connection is not None
        data = {"videoroom": "event", "room": 4, "mid": mid, "substream": substream}
        event = {"janus": "event", "session_id": SESSION, "sender": SUBSCRIBER}
        await self.connection.send(json.dumps({**event, "plugindata": {"data": data}}))


@pytest.mark.clause("ROOM-9")
def test_a_thumbnail_started_on_a_larger_layer_is_asked_down_again() -> None:
    async def scenario() -> list[dict[str, Any]]:
        janus = StandIn()
        async with serve(janus.handle, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]

            async def ignore(kind: str, data: dict[str, Any]) -> None:
                return None

            link = JanusLink(f"ws://127.0.0.1:{port}", ignore)
            await link.open(Ticket(room=4, pin="pin", token="token", display="9"))
            offer = await link.subscribe({LEARNER_FEED, COLLEAGUE_FEED}, low={LEARNER_FEED})
            assert offer is not None and offer.mids == {"0": 7, "1": 8}
            # The learner's thumbnail started on the full-size layer; the colleague's camera,
            # received whole, did too; then the thumbnail reached its own layer.
            await janus.report_layer("0", 1)
            first = await asyncio.wait_for(janus.configures.get(), 10)
            await janus.report_layer("1", 1)
            await janus.report_layer("0", 0)
            # A later report on the thumbnail shows every report before it was dealt with.
            await janus.report_layer("0", 2)
            second = await asyncio.wait_for(janus.configures.get(), 10)
            await link.close()
            assert janus.configures.empty()
            return [first, second]

    asked = run_async(scenario())
    assert asked == [{"request": "configure", "streams": [{"mid": "0", "substream": 0}]}] * 2
