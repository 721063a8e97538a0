"""The clock of each room (SES-3): one ticker per room in each server process, however many
of the room's connections that process holds. It runs ``room_tick`` every second (the warning
five minutes before the end, the end at the limit, gaps in recorded tracks, and the room's
heartbeat); a tick that fails is logged with its traceback and the next one runs."""

import asyncio
import logging
import weakref
from dataclasses import dataclass

from channels.db import database_sync_to_async

from . import services

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0


@dataclass
class _Ticker:
    task: asyncio.Task[None]
    connections: int = 0


# Per event loop (a task belongs to its loop), per room.
_tickers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Ticker]]" = (
    weakref.WeakKeyDictionary()
)


def _rooms() -> dict[int, _Ticker]:
    return _tickers.setdefault(asyncio.get_running_loop(), {})


def join(session_id: int) -> None:
    """A connection to the room opened in this process: its ticker runs."""
    rooms = _rooms()
    ticker = rooms.get(session_id)
    if ticker is None:
        ticker = rooms[session_id] = _Ticker(asyncio.create_task(_run(session_id)))
    ticker.connections += 1


def leave(session_id: int) -> None:
    """A connection closed: the last one of the room in this process stops its ticker."""
    rooms = _rooms()
    ticker = rooms.get(session_id)
    if ticker is None:
        return
    ticker.connections -= 1
    if ticker.connections <= 0:
        ticker.task.cancel()
        del rooms[session_id]


def running(session_id: int) -> int:
    """How many tickers this process runs for the room (at most one)."""
    ticker = _rooms().get(session_id)
    return 0 if ticker is None or ticker.task.done() else 1


async def _run(session_id: int) -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            await database_sync_to_async(services.room_tick)(session_id=session_id)
        except Exception:
            logger.exception(
                "The clock of the room of session %s failed to tick; it ticks again in %s s",
                session_id,
                TICK_SECONDS,
            )
