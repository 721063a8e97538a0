"""A room connection's side of the SFU: it opens the person's link to Janus once they are in
the call, keeps what they receive to the class layout, and carries session descriptions
between their browser and Janus, each checked by the services first. One task does the work in
order, so the consumer's handlers never wait for a browser; the link closes with the
connection, which ends the person's Janus session and every stream of theirs.

Messages (docs/rooms.md, "Classes on an SFU"): to the browser ``sfu-ready``, ``sfu-answer``
(to its publication), ``sfu-offer`` (what it receives, with the participant of each mid) and
``sfu-mids`` (the same without a publisher who left);
from it ``sfu-publish``, ``sfu-subscribed`` (its answer) and ``sfu-candidate``."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async

from chaperon.core.exceptions import ChaperonError

from . import selectors, services
from .janus import sfu_config
from .janus_link import JanusLink, LinkError

logger = logging.getLogger(__name__)

ANSWER_SECONDS = 15.0  # how long a browser has to answer what it is to receive
RETRY_SECONDS = 2.0  # before opening a link again after it failed or Janus went away

Send = Callable[[dict[str, Any]], Awaitable[None]]


class SfuBridge:
    def __init__(self, participant_id: int, send: Send) -> None:
        self.participant_id = participant_id
        self.send = send
        self.link: JanusLink | None = None
        self.wanted = False
        self.publishes = False
        self._dirty = asyncio.Event()
        self._answered: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None

    def update(self, view: dict[str, Any]) -> None:
        """The room's state changed: the link is wanted while this person is in the call of a
        started room on the SFU; what they receive may have changed."""
        room, me = view["room"], view["me"]
        self.wanted = bool(
            room.get("media") == "sfu"
            and me["in_call"]
            and room["started_at"]
            and not room["ended"]
        )
        self.publishes = bool(me.get("publishes"))
        if self.wanted or self.link is not None:
            if self._task is None:
                self._task = asyncio.create_task(self._run())
            self._dirty.set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._drop_link()

    # From the browser ------------------------------------------------------------------------

    async def message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        link = self.link
        if link is None or link.closed:
            raise ChaperonError("The media server is not connected yet: wait for sfu-ready.")
        if kind == "sfu-publish":
            sdp = str(message["sdp"])
            await database_sync_to_async(services.sfu_check_publish)(
                participant_id=self.participant_id, sdp=sdp
            )
            answer = await self._janus(link.publish(sdp))
            await database_sync_to_async(services.sfu_published)(
                participant_id=self.participant_id, feed_id=link.feed_id, sdp=sdp
            )
            await self.send({"type": "sfu-answer", "sdp": answer})
        elif kind == "sfu-subscribed":
            await self._janus(link.answer(str(message["sdp"])))
            if self._answered is not None and not self._answered.done():
                self._answered.set_result(None)
        elif kind == "sfu-candidate":
            candidate = message.get("candidate")
            await self._janus(
                link.trickle(
                    subscriber=message.get("subscriber") is True,
                    candidate=candidate if isinstance(candidate, dict) else None,
                )
            )

    async def _janus[T](self, step: Awaitable[T]) -> T:
        try:
            return await step
        except LinkError as error:
            raise ChaperonError(str(error)) from error

    # The work, in order ----------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            try:
                await self._sync()
            except (LinkError, ChaperonError) as error:
                logger.warning("sfu link of participant %s: %s", self.participant_id, error)
                await self._drop_link()
                await self.send({"type": "error", "for": "sfu", "message": str(error)})
                await asyncio.sleep(RETRY_SECONDS)
                self._dirty.set()

    async def _sync(self) -> None:
        if not self.wanted:
            await self._drop_link()
            return
        config = sfu_config()
        if config is None:
            raise ChaperonError("The media server is not configured.")
        if self.link is not None and self.link.closed:
            await self._drop_link()
        if self.link is None:
            ticket = await database_sync_to_async(services.sfu_ticket)(
                participant_id=self.participant_id
            )
            self.link = JanusLink(config.ws_url, self._on_event)
            await self.link.open(ticket)
            await self.send({"type": "sfu-ready", "publish": self.publishes})
        receiving = await database_sync_to_async(selectors.sfu_receiving)(
            participant_id=self.participant_id
        )
        feeds = {
            feed.feed_id
            for feed in self.link.feeds.values()
            if receiving.visible is None or feed.participant_id in receiving.visible
        }
        low = {
            feed.feed_id
            for feed in self.link.feeds.values()
            if feed.participant_id in receiving.thumbnails
        }
        offer = await self.link.subscribe(feeds, low=low)
        if offer is None:
            return
        self._answered = asyncio.get_running_loop().create_future()
        await self.send({"type": "sfu-offer", "sdp": offer.sdp, "mids": offer.mids})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._answered, ANSWER_SECONDS)

    async def _on_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind in ("closed", "kicked", "timeout"):
            if self.link is not None:
                self.link.closed = True
        elif kind == "gone":  # a publisher left: its tile goes at once
            await self.send({"type": "sfu-mids", "mids": data["mids"]})
        self._dirty.set()

    async def _drop_link(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            await link.close()
