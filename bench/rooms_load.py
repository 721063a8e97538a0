"""The load half of the live-room benchmark: simulated participants speaking the room's
protocol (docs/rooms.md) over real WebSockets, as room.js does, with Python's ``websockets``.

A learner comes in as a browser does: the personal join link (GET), the passcode form (POST,
with its CSRF token), the room page, then the room's WebSocket with the session cookie; the
host (signed in) admits them, the learner accepts the agreement. In a recorded room both then
send their camera's WebM, chunk by chunk at the rate it was recorded, over their WebSocket.

After each media chunk the client sends a `ping`
(``{"type": "ping"}``); the server answers each with a ``pong``, in order,
after it has handled everything that came before on that connection. The time to that answer
is how far the server is behind with that connection's media (its backlog).
"""

import asyncio
import contextlib
import itertools
import json
import re
import time
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Any

from rooms_setup import Booked
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

MARK = "ping"
STEP_TIMEOUT = 15.0  # seconds any one step of a join may take before the join counts as failed
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ViewTest = Callable[[dict[str, Any]], bool]


class JoinFailed(Exception):
    pass


def http_join(base: str, booked: Booked) -> str:
    """The learner's browser at the door: join link, passcode, room page. Returns the
    session cookie that lets their WebSocket in."""
    jar = CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    with opener.open(f"{base}/sessions/join/{booked.learner_token}/", timeout=STEP_TIMEOUT) as page:
        found = CSRF.search(page.read().decode())
    if found is None:
        raise JoinFailed("the join page has no passcode form")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": found[1], "passcode": booked.passcode})
    enter = f"{base}/rooms/enter/{booked.learner_token}/"
    request = urllib.request.Request(enter, form.encode())  # noqa: S310 (http on loopback)
    with opener.open(request, timeout=STEP_TIMEOUT) as room_page:  # follows to the room page
        room_page.read()
        if not room_page.url.endswith(f"/rooms/{booked.session_id}/"):
            raise JoinFailed(f"the passcode led to {room_page.url}")
    for cookie in jar:
        if cookie.name == "sessionid" and cookie.value:
            return cookie.value
    raise JoinFailed("no session cookie after the passcode")


@dataclass
class Marks:
    """Media sent and how long the server took to get through it, for the level under way."""

    ack_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)  # a chunk's send behind its schedule
    errors: list[str] = field(default_factory=list)


class Participant:
    """One simulated browser on the room's WebSocket."""

    def __init__(self, name: str, marks: Callable[[], Marks]) -> None:
        self.name = name
        self.view: dict[str, Any] = {}
        self.socket: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.streamer: asyncio.Task[None] | None = None
        self.waiters: list[tuple[ViewTest, asyncio.Future[dict[str, Any]]]] = []
        self.signals: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.pending: deque[float] = deque()  # when each unanswered mark was sent
        self.drained = asyncio.Event()
        self.drained.set()
        self.marks = marks
        self.sent_bytes = 0
        self.stopping = False
        self.admitted_ids: set[int] = set()
        self.agreed = False
        self.host = False

    async def open(self, base: str, session_id: int, cookie: str) -> None:
        url = base.replace("http://", "ws://") + f"/ws/rooms/{session_id}/"
        self.socket = await asyncio.wait_for(
            connect(
                url,
                origin=base,  # type: ignore[arg-type]
                additional_headers={"Cookie": f"sessionid={cookie}"},
                proxy=None,
                max_size=None,
                open_timeout=STEP_TIMEOUT,
            ),
            STEP_TIMEOUT,
        )
        self.reader = asyncio.create_task(self._read())

    async def send(self, message: dict[str, Any]) -> None:
        assert self.socket is not None
        await self.socket.send(json.dumps(message))

    async def _read(self) -> None:
        assert self.socket is not None
        try:
            async for raw in self.socket:
                if isinstance(raw, str):
                    await self._dispatch(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            for _, future in self.waiters:
                if not future.done():
                    future.set_exception(JoinFailed(f"{self.name}: the connection closed"))

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "pong":
            if self.pending:
                self.marks().ack_ms.append((time.perf_counter() - self.pending.popleft()) * 1000)
            if not self.pending:
                self.drained.set()
            return
        if kind == "signal":
            await self.signals.put(message)
            return
        if kind in ("error", "refused", "removed", "warning"):
            self.marks().errors.append(f"{self.name}: {message.get('message')}")
            return
        if kind != "state":
            return
        self.view = message
        await self._react(message)
        for test, future in list(self.waiters):
            if not future.done() and test(message):
                future.set_result(message)
        self.waiters = [(test, future) for test, future in self.waiters if not future.done()]

    async def _react(self, view: dict[str, Any]) -> None:
        """What the person does at once: the host lets in whoever waits; an admitted learner
        accepts the agreement (and is comfortable being recorded)."""
        me = view["me"]
        if me["host"]:
            for person in view.get("waiting", []):
                if person["id"] not in self.admitted_ids:
                    self.admitted_ids.add(person["id"])
                    await self.send({"type": "admit", "participant": person["id"]})
        elif me["presence"] == "admitted" and not me["agreed"] and not self.agreed:
            self.agreed = True
            await self.send({"type": "agree", "comfortable_recording": True})

    async def until(self, test: ViewTest, timeout: float = STEP_TIMEOUT) -> dict[str, Any]:
        """The first state (the current one included) for which ``test`` holds."""
        if self.view and test(self.view):
            return self.view
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiters.append((test, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError as error:
            raise JoinFailed(f"{self.name}: no such state within {timeout:.0f} s") from error

    # Media ----------------------------------------------------------------------------------

    def stream(self, chunks: list[bytes], timeslice: float) -> None:
        self.streamer = asyncio.create_task(self._stream(chunks, timeslice))

    async def _stream(self, chunks: list[bytes], timeslice: float) -> None:
        """The header chunk, then the rest over and over, one per ``timeslice``, each followed
        by a mark."""
        assert self.socket is not None
        order = itertools.chain(chunks[:1], itertools.cycle(chunks[1:] or chunks))
        started = time.perf_counter()
        for number, chunk in enumerate(order):
            due = started + number * timeslice
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if self.stopping:
                return
            try:
                await self.socket.send(chunk)
                self.sent_bytes += len(chunk)
                self.marks().lag_ms.append(max(0.0, time.perf_counter() - due) * 1000)
                self.pending.append(time.perf_counter())
                self.drained.clear()
                await self.socket.send(json.dumps({"type": MARK}))
            except ConnectionClosed:
                self.marks().errors.append(f"{self.name}: the connection closed while sending")
                return

    async def stop_streaming(self, timeout: float) -> bool:
        """Stop sending (after the chunk under way); True once the server has handled
        everything sent."""
        started = time.perf_counter()
        self.stopping = True
        if self.streamer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.streamer), timeout)
        try:
            left = max(0.1, timeout - (time.perf_counter() - started))
            await asyncio.wait_for(self.drained.wait(), left)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        if self.streamer is not None:
            self.streamer.cancel()
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.socket.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader


def _admitted(view: dict[str, Any]) -> bool:
    return bool(view["me"]["presence"] == "admitted")


def _started(view: dict[str, Any]) -> bool:
    return view["room"]["started_at"] is not None


def _in_call(view: dict[str, Any]) -> bool:
    return bool(view["me"]["in_call"]) and _started(view)


def _recording(view: dict[str, Any]) -> bool:
    return bool(view["room"]["recording"] == "on")


def _recording_off(view: dict[str, Any]) -> bool:
    return bool(view["room"]["recording"] == "off")


@dataclass
class Joined:
    host: Participant
    learner: Participant
    booked: Booked
    door_ms: float = 0.0  # join link, passcode and room page (three HTTP requests)
    admitted_ms: float = 0.0  # join link opened -> admitted
    call_ms: float = 0.0  # join link opened -> agreed, in the call, first signalling answer
    signal_ms: float = 0.0  # one signalling round trip learner -> host -> learner


async def open_host(
    base: str, booked: Booked, marks: Callable[[], Marks], *, start: bool
) -> Participant:
    """The host comes into the room, and with ``start`` starts the session before anyone
    else is in (the named adult confirmed)."""
    host = Participant(f"host {booked.session_id}", marks)
    await host.open(base, booked.session_id, booked.host_cookie)
    try:
        await host.until(_admitted)
        if start:
            await _start(host)
    except BaseException:
        await host.close()
        raise
    return host


async def _start(host: Participant) -> None:
    await host.send({"type": "start", "adult_present": True})
    await host.until(_started)


async def learner_join(base: str, host: Participant, booked: Booked) -> Joined:
    """A learner joins, timed: through the door, admitted, in the call, and one signalling
    round trip (an offer to the host, answered). A room not yet started is started once the
    learner has accepted the agreement (a recorded session starts only once each learner has
    said whether they are comfortable being recorded)."""
    learner = Participant(f"learner {booked.session_id}", host.marks)
    started = time.perf_counter()
    try:
        cookie = await asyncio.wait_for(asyncio.to_thread(http_join, base, booked), STEP_TIMEOUT)
        through_door = time.perf_counter()
        await learner.open(base, booked.session_id, cookie)
        await learner.until(_admitted)
        admitted = time.perf_counter()
        await learner.until(lambda v: bool(v["me"]["in_call"]))
        if not _started(host.view):
            await _start(host)
        view = await learner.until(_in_call)
        me = view["me"]["id"]
        host_id = next(p["id"] for p in view["people"] if p["host"])
        await host.until(lambda v: any(p["id"] == me and p["in_call"] for p in v["people"]))
        asked = time.perf_counter()
        offer = {"type": "offer", "sdp": "v=0\r\n"}
        await learner.send({"type": "signal", "to": host_id, "description": offer, "tracks": {}})
        await _answer(host, learner_id=me)
        reply = await asyncio.wait_for(learner.signals.get(), STEP_TIMEOUT)
        if reply.get("description", {}).get("type") != "answer":
            raise JoinFailed(f"unexpected signal {reply}")
        done = time.perf_counter()
    except BaseException:
        await learner.close()
        raise
    return Joined(
        host=host,
        learner=learner,
        booked=booked,
        door_ms=(through_door - started) * 1000,
        admitted_ms=(admitted - started) * 1000,
        call_ms=(done - started) * 1000,
        signal_ms=(done - asked) * 1000,
    )


async def _answer(host: Participant, *, learner_id: int) -> None:
    offer = await asyncio.wait_for(host.signals.get(), STEP_TIMEOUT)
    if offer.get("from") != learner_id:
        raise JoinFailed(f"the host got a signal from {offer.get('from')}")
    answer = {"type": "answer", "sdp": "v=0\r\n"}
    await host.send({"type": "signal", "to": learner_id, "description": answer, "tracks": {}})


async def open_recorded_room(
    base: str, booked: Booked, marks: Callable[[], Marks], chunks: list[bytes], timeslice: float
) -> Joined:
    """A 1:1 under way and recorded: both people send their media."""
    host = await open_host(base, booked, marks, start=False)
    try:
        joined = await learner_join(base, host, booked)
        await host.send({"type": "record", "on": True})
        await host.until(_recording)
        await joined.learner.until(_recording)
    except BaseException:
        await host.close()
        raise
    host.stream(chunks, timeslice)
    joined.learner.stream(chunks, timeslice)
    return joined


async def end_room(joined: Joined, *, stop_recording: bool) -> None:
    host = joined.host
    with contextlib.suppress(JoinFailed, ConnectionClosed):
        if stop_recording:
            await host.send({"type": "record", "on": False})
            await host.until(_recording_off)
        await host.send({"type": "end"})
        await host.until(lambda v: bool(v["room"]["ended"]))
    await joined.learner.close()
    await host.close()
