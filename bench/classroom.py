"""Classroom benchmark: classes of 30 on Janus, with real RTP from simulated browsers.

    python bench/classroom.py [--quick]

Starts a Janus of its own (Debian's ``janus``, ``make janus``) from a folder written by
``chaperon.core.janus_config`` as ``chaperon serve`` writes it: VideoRoom only, its APIs and
its APIs on 127.0.0.1. The whole bench runs in a network namespace of its own (root, as
``make bench`` is): Janus never gathers ICE candidates on a loopback interface, so Janus and
the simulated browsers meet on the address of a veth pair in that namespace, and no packet
can reach the machine's own interfaces. Each person is a simulated browser: Chaperon's own
signalling code (``JanusAdmin`` makes the room private and puts each person's token in its
allowed list; ``JanusLink`` joins for them as publisher, subscribes to what the class layout
lets them see whenever the publishers change, publishes and answers) and ``aiortc`` peer
connections for the media (VP8 through libvpx, DTLS-SRTP, ICE host candidates on that one
address, no STUN). A class is a host and 29 learners, in the class layout of docs/rooms.md: the
host sends a 320x240 picture at 15 frames a second and receives every learner; each learner
sends a 160x120 thumbnail at 10 frames a second and receives the host. Each class runs in a
process of its own (the load generator is Python: one process per class lets it use both
cores), the learners coming in one every ``JOIN_GAP`` seconds after the host.

1. Join to first frame: for each learner, from the start of its join (``JanusLink.open``) to
   the first decoded frame of the host's video. Target: p95 < 500 ms, in a class of 30.
2. Classes held: classes of 30 are added one at a time (1, 2, ... at most 4, within a time
   budget) while the earlier ones go on. At each step, once the joins are over, over a
   measuring window, a class holds when every learner decodes the host's video at half its
   frame rate at least (7.5 frames a second) and the host decodes every learner's thumbnail at
   half its rate at least (5 frames a second); a step that does not hold is measured once more
   (twice at most in a run: other work on the machine can stall a measurement).
   ``classes_of_30_held`` is the largest step at which every class holds. Target: >= 2.
   ``forwarded_tracks`` counts the video tracks Janus forwarded in that step (each learner's
   copy of the host, the host's copy of each learner); ``sfu_cpu_percent`` is Janus's CPU over
   that window, in percent of one core, and ``generator_cpu_percent`` the load generator's
   (every class process), to tell which of the two ran out.

Side by side, in the same run: a class of 10 before the classes of 30 (join time and Janus's
CPU per forwarded track), and the mesh each class replaces, in arithmetic from what the host
measured: in a mesh the host's browser would encode and send its video once per learner.

``--quick`` runs the class of 10, then one and two classes of 30, with 2 s windows (under a
minute). Every loop is bounded in count and time; Janus, the class processes and the
temporary folder are removed even on failure. Progress goes to stdout; the last line printed
is one JSON object.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import multiprocessing
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from fractions import Fraction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from processes import ROOT, free_port, percentile, stop

sys.path.insert(0, str(ROOT))

from chaperon.core.janus_config import (
    janus_binary,
    janus_command,
    janus_urls,
    write_janus_config,
)
from chaperon.rooms.janus import JanusAdmin, SfuConfig

HOST_SIZE = (320, 240)
HOST_FPS = 15
THUMB_SIZE = (160, 120)
THUMB_FPS = 10
JOIN_GAP = 0.15  # seconds between two learners of a class starting to join
JOIN_TIMEOUT = 20.0  # seconds a learner may take to its first frame of the host
SETTLE_TIMEOUT = 30.0  # seconds for the host to be receiving every learner
RETRIES = 2  # steps measured a second time (in the whole run) when they do not hold
HELD_SHARE = 0.5  # a flow holds when at least this share of the frames sent were decoded
RTP_PORTS = 2000  # Janus's RTP range: one port per peer connection (bundled, rtcp-mux)
# The bench runs in a network namespace of its own: loopback and a veth pair, nothing else.
# Janus never gathers ICE candidates on a loopback interface (it skips them, and libnice then
# takes every other interface), so Janus and the simulated browsers meet on this address of
# the namespace's veth; no packet can reach the machine's own interfaces.
MEDIA_ADDRESS = "10.255.0.1"
CLOCK = os.sysconf("SC_CLK_TCK")
VIDEO_RATE = 90000


@dataclass(frozen=True)
class Sizes:
    small_class: int  # the class of the side-by-side comparison
    class_size: int
    levels: int  # classes of 30 at most
    window: float  # seconds of each measuring window
    budget: float  # seconds for all the steps together


FULL = Sizes(small_class=10, class_size=30, levels=4, window=5.0, budget=600.0)
QUICK = Sizes(small_class=10, class_size=30, levels=2, window=2.0, budget=45.0)


def progress(line: str) -> None:
    print(line, flush=True)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# Janus ----------------------------------------------------------------------------------------


@dataclass
class Janus:
    config: SfuConfig
    process: subprocess.Popen[bytes]
    log: Path


def _answers(http_url: str) -> bool:
    body = json.dumps({"janus": "info", "transaction": "ready"}).encode()
    request = urllib.request.Request(  # noqa: S310 (Janus of our own on loopback)
        http_url, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=1) as reply:  # noqa: S310
            return bool(json.loads(reply.read()).get("janus") == "server_info")
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def janus_server(folder: Path) -> Any:
    """A Janus of the bench's own, its APIs on loopback ports, ICE on ``MEDIA_ADDRESS`` only,
    stopped on the way out; its RTP range is wide enough for every peer connection of four
    classes."""
    binary = janus_binary()
    if binary is None:
        raise SystemExit("janus is missing: `make janus` installs Debian's janus")
    http_port, admin_port, ws_port = free_port(), free_port(), free_port()
    admin_secret, room_admin_key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    low = 40000 + secrets.randbelow(10) * RTP_PORTS
    config_file = write_janus_config(
        folder,
        http_port=http_port,
        admin_port=admin_port,
        ws_port=ws_port,
        rtp_ports=(low, low + RTP_PORTS - 1),
        admin_secret=admin_secret,
        room_admin_key=room_admin_key,
        enforce_interface=MEDIA_ADDRESS,
        debug_level=3,
    )
    urls = janus_urls(http_port=http_port, admin_port=admin_port, ws_port=ws_port)
    config = SfuConfig.at(urls, admin_secret=admin_secret, room_admin_key=room_admin_key)
    process = subprocess.Popen(  # noqa: S603 (Debian's janus, our own configuration)
        janus_command(config_file, binary=binary),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    log = folder / "janus.log"
    try:
        deadline = time.monotonic() + 30
        while not _answers(config.http_url):
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"janus did not answer on {config.http_url}:\n{text}")
            time.sleep(0.1)
        yield Janus(config, process, log)
    finally:
        stop(process)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (every thread), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK


# One class, in a process of its own ------------------------------------------------------------


@dataclass(frozen=True)
class ClassPlan:
    number: int
    ws_url: str
    room: int
    pin: str
    tokens: list[str]  # the host's first, then each learner's


def own_network() -> None:
    """Move this process (and so Janus and every class process it starts) into a network
    namespace of its own, with loopback up and ``MEDIA_ADDRESS`` on one end of a veth pair.
    Needs root, as ``make bench`` runs."""
    try:
        os.unshare(os.CLONE_NEWNET)
    except (OSError, AttributeError) as error:
        raise SystemExit(
            f"bench/classroom.py runs in a network namespace of its own and needs root: {error}"
        ) from error
    for command in (
        ["ip", "link", "set", "lo", "up"],
        ["ip", "link", "add", "bench0", "type", "veth", "peer", "name", "bench1"],
        ["ip", "addr", "add", f"{MEDIA_ADDRESS}/24", "dev", "bench0"],
        ["ip", "link", "set", "bench1", "up"],
        ["ip", "link", "set", "bench0", "up"],
    ):
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603


def _media_address_only() -> None:
    """aioice gathers host candidates on every interface but loopback; here on
    ``MEDIA_ADDRESS`` alone, and aiortc is never given a STUN server."""
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [MEDIA_ADDRESS]


def _synthetic_track(size: tuple[int, int], fps: int) -> Any:
    """A video track of eight prepared frames in turn (a bar moving across a grey picture),
    paced at ``fps`` (frames it is too late for are dropped, as a camera's are); ``sent``
    counts the frames handed to the encoder."""
    import av
    import numpy
    from aiortc.mediastreams import MediaStreamTrack

    width, height = size

    class Synthetic(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self.frames = []
            for step in range(8):
                picture = numpy.full((height * 3 // 2, width), 128, dtype=numpy.uint8)
                left = step * width // 8
                picture[:height, left : left + width // 8] = 235
                self.frames.append(av.VideoFrame.from_ndarray(picture, format="yuv420p"))
            self.sent = 0
            self.started = 0.0

        async def recv(self) -> Any:
            if not self.started:
                self.started = time.monotonic()
            due = self.started + self.sent / fps
            now = time.monotonic()
            if now - due > 1 / fps:  # late by a frame or more: a camera drops, never bursts
                self.started, due = now - self.sent / fps, now
            await asyncio.sleep(max(0.0, due - now))
            frame = self.frames[self.sent % len(self.frames)]
            frame.pts = self.sent * (VIDEO_RATE // fps)
            frame.time_base = Fraction(1, VIDEO_RATE)
            self.sent += 1
            return frame

    return Synthetic()


def _sha256_only(sdp: str) -> str:
    """aiortc gives three fingerprints; Janus checks the DTLS certificate against the one of
    its own hash (SHA-256) and warns of the others, so only that one is sent, as browsers do."""
    lines = sdp.split("\r\n")
    return "\r\n".join(
        line
        for line in lines
        if not line.startswith("a=fingerprint:") or line.startswith("a=fingerprint:sha-256 ")
    )


class Person:
    """One simulated browser: its JanusLink (Chaperon's code), a sending and a receiving peer
    connection, and the frames it decoded from each participant it receives."""

    def __init__(self, plan: ClassPlan, number: int) -> None:
        from aiortc import RTCConfiguration, RTCPeerConnection

        from chaperon.rooms.janus_link import JanusLink

        self.plan = plan
        self.number = number  # 0: the host
        self.link = JanusLink(plan.ws_url, self._on_event)
        configuration = RTCConfiguration(iceServers=[])
        self.sending = RTCPeerConnection(configuration)
        self.receiving = RTCPeerConnection(configuration)
        self.receiving.on("track", self._on_track)
        size, fps = (HOST_SIZE, HOST_FPS) if number == 0 else (THUMB_SIZE, THUMB_FPS)
        self.track = _synthetic_track(size, fps)
        self.decoded: dict[int, int] = {}  # participant -> frames decoded
        self.first_frame = asyncio.get_running_loop().create_future()
        self.changed = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.errors: list[str] = []

    async def _on_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "publishers":
            self.changed.set()

    def _on_track(self, track: Any) -> None:
        mid = next(
            (t.mid for t in self.receiving.getTransceivers() if t.receiver.track is track), None
        )
        who = self.link.mids.get(str(mid), -1)
        self.tasks.append(asyncio.create_task(self._count(track, who)))

    async def _count(self, track: Any, who: int) -> None:
        from aiortc.mediastreams import MediaStreamError

        self.decoded.setdefault(who, 0)
        with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
            while True:
                await track.recv()
                self.decoded[who] += 1
                if who == 0 and not self.first_frame.done():
                    self.first_frame.set_result(time.perf_counter())

    async def join(self) -> float:
        """Join as Chaperon's server does (open; then publish, and subscribe to what this
        person may see, at once); for a learner, the milliseconds from the start to the first
        decoded frame of the host. The host's join ends once its publication is up."""
        from chaperon.rooms.janus_link import Ticket

        started = time.perf_counter()
        ticket = Ticket(
            self.plan.room, self.plan.pin, self.plan.tokens[self.number], str(self.number)
        )
        await self.link.open(ticket)
        self.tasks.append(asyncio.create_task(self._sync()))
        self.changed.set()
        await self.publish()
        if self.number == 0:
            deadline = time.monotonic() + JOIN_TIMEOUT
            while self.sending.connectionState != "connected":
                if time.monotonic() > deadline:
                    raise TimeoutError("the host's publication did not connect")
                await asyncio.sleep(0.05)
            return 0.0
        seen = await asyncio.wait_for(self.first_frame, JOIN_TIMEOUT)
        return (seen - started) * 1000

    async def publish(self) -> None:
        from aiortc import RTCSessionDescription

        self.sending.addTransceiver(self.track, direction="sendonly")
        await self.sending.setLocalDescription(await self.sending.createOffer())
        answer = await self.link.publish(_sha256_only(self.sending.localDescription.sdp))
        await self.sending.setRemoteDescription(RTCSessionDescription(answer, "answer"))

    def visible(self) -> set[int]:
        """The class layout: the host receives every learner, a learner the host alone."""
        return {
            feed.feed_id
            for feed in self.link.feeds.values()
            if self.number == 0 or feed.participant_id == 0
        }

    async def _sync(self) -> None:
        """As the server does for each connection: whenever the publishers change, subscribe
        to what this person may see (one update for whoever came in since the last), and
        answer Janus's offer."""
        from aiortc import RTCSessionDescription

        while not self.link.closed:
            await self.changed.wait()
            self.changed.clear()
            try:
                offer = await self.link.subscribe(self.visible())
                if offer is None:
                    continue
                description = RTCSessionDescription(offer.sdp, "offer")
                await self.receiving.setRemoteDescription(description)
                answer = await self.receiving.createAnswer()
                # Janus leads the DTLS handshake: aiortc as DTLS client resends a ClientHello
                # that Janus dropped (it came before Janus's ICE was ready) only after 1 s,
                # where browsers resend after 50 ms; as server it loses nothing.
                answer.sdp = answer.sdp.replace("a=setup:active", "a=setup:passive")
                await self.receiving.setLocalDescription(answer)
                await self.link.answer(_sha256_only(self.receiving.localDescription.sdp))
            except Exception as error:  # as the server does: note it, and try again
                self.errors.append(f"participant {self.number}: {error!r}")
                await asyncio.sleep(1.0)
                self.changed.set()

    async def sent_bytes(self) -> int:
        stats = await self.sending.getStats()
        return sum(
            int(getattr(s, "bytesSent", 0) or 0) for s in stats.values() if s.type == "outbound-rtp"
        )

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.link.close()
        for connection in (self.sending, self.receiving):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)


def _warm_up() -> None:
    """Encode and decode one frame of each size, so that no learner's join pays for loading
    libvpx into this process (a browser has its codecs loaded before anyone joins)."""
    from aiortc.codecs import get_decoder, get_encoder
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    codec = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=VIDEO_RATE, payloadType=97)
    for size, fps in ((HOST_SIZE, HOST_FPS), (THUMB_SIZE, THUMB_FPS)):
        encoder, decoder = get_encoder(codec), get_decoder(codec)
        frame = _synthetic_track(size, fps).frames[0]
        frame.pts, frame.time_base = 0, Fraction(1, VIDEO_RATE)
        encoder.encode(frame, True)
        del decoder


def run_class(plan: ClassPlan, pipe: Connection) -> None:
    """A class's process: joins everyone, tells the main process, then counts frames over
    each measuring window it is asked for, until told to stop."""
    _media_address_only()
    _warm_up()
    # Closing many peer connections at once leaves aiortc's own tasks to the loop's end.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    asyncio.run(_class(plan, pipe))


async def _class(plan: ClassPlan, pipe: Connection) -> None:
    people: list[Person] = []
    size = len(plan.tokens)
    try:
        host = Person(plan, 0)
        people.append(host)
        await host.join()
        joins: list[asyncio.Task[float]] = []
        for number in range(1, size):
            learner = Person(plan, number)
            people.append(learner)
            joins.append(asyncio.create_task(learner.join()))
            await asyncio.sleep(JOIN_GAP)
        outcomes = await asyncio.gather(*joins, return_exceptions=True)
        join_ms = [o for o in outcomes if isinstance(o, float)]
        failures = [repr(o) for o in outcomes if not isinstance(o, float)]
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while (
            time.monotonic() < deadline
            and sum(1 for who, n in host.decoded.items() if who > 0 and n > 0) < size - 1
        ):
            await asyncio.sleep(0.2)
        pipe.send({"joined": join_ms, "failures": failures[:3], "failed": len(failures)})
        while True:
            command = await asyncio.to_thread(pipe.recv)
            if command["do"] == "stop":
                break
            pipe.send(await _measure(people, command["window"]))
    except Exception as error:  # the main process hears of it, and the class does not hold
        pipe.send({"error": repr(error)})
    finally:
        await asyncio.gather(*(person.close() for person in people), return_exceptions=True)
        pipe.close()


async def _measure(people: list[Person], window: float) -> dict[str, Any]:
    host, learners = people[0], people[1:]
    sent_before = [p.track.sent for p in people]
    learners_before = [learner.decoded.get(0, 0) for learner in learners]
    host_before = {who: host.decoded.get(who, 0) for who in range(1, len(people))}
    bytes_before = await host.sent_bytes()
    thumbs_before = [await learner.sent_bytes() for learner in learners]
    started = time.monotonic()
    await asyncio.sleep(window)
    elapsed = time.monotonic() - started
    sent = [p.track.sent - before for p, before in zip(people, sent_before, strict=True)]
    to_learners = [
        learner.decoded.get(0, 0) - before
        for learner, before in zip(learners, learners_before, strict=True)
    ]
    to_host = [host.decoded.get(who, 0) - host_before[who] for who in range(1, len(people))]
    host_kbps = (await host.sent_bytes() - bytes_before) * 8 / elapsed / 1000
    thumbs_after = [await learner.sent_bytes() for learner in learners]
    thumb_kbps = [
        (after - before) * 8 / elapsed / 1000
        for after, before in zip(thumbs_after, thumbs_before, strict=True)
    ]
    # Half the frame rate a camera sends, at least (the generator's own shortfalls included).
    short = [n for n in to_learners if n < HELD_SHARE * HOST_FPS * elapsed]
    short += [n for n in to_host if n < HELD_SHARE * THUMB_FPS * elapsed]
    errors = [error for person in people for error in person.errors]
    return {
        "held": not short,
        "sync_errors": len(errors),
        "sync_error": errors[-1] if errors else "",
        "flows": sum(1 for n in to_learners + to_host if n > 0),
        "flows_short": len(short),
        "host_fps_sent": sent[0] / elapsed,
        "thumb_fps_sent_min": min(sent[1:]) / elapsed,
        "host_fps_at_learners_min": min(to_learners) / elapsed,
        "thumb_fps_at_host_min": min(to_host) / elapsed,
        "host_kbps": host_kbps,
        "thumb_kbps_mean": sum(thumb_kbps) / len(thumb_kbps),
    }


# The run ---------------------------------------------------------------------------------------


def _receive(pipe: Connection, seconds: float) -> dict[str, Any]:
    """A class process's next report, or an error if it sends none in time (or died)."""
    try:
        if pipe.poll(seconds):
            return dict(pipe.recv())
    except (EOFError, OSError) as error:
        return {"held": False, "error": f"the class process ended: {error!r}"}
    return {"held": False, "error": f"the class process sent no report within {seconds:.0f} s"}


@dataclass
class Class:
    plan: ClassPlan
    process: Any
    pipe: Connection
    joined: dict[str, Any] = field(default_factory=dict)


class Classes:
    def __init__(self, janus: Janus, admin: JanusAdmin) -> None:
        self.janus = janus
        self.admin = admin
        self.running: list[Class] = []
        self.context = multiprocessing.get_context("spawn")
        self.secrets: dict[int, str] = {}

    def add(self, size: int) -> Class:
        room = 10**6 + secrets.randbelow(10**9)
        secret, pin = secrets.token_urlsafe(16), secrets.token_urlsafe(8)
        self.admin.create_room(
            room_id=room, secret=secret, pin=pin, publishers=size, description="bench class"
        )
        tokens = [secrets.token_urlsafe(16) for _ in range(size)]
        self.admin.allow(room_id=room, secret=secret, tokens=tokens)
        self.secrets[room] = secret
        plan = ClassPlan(len(self.running) + 1, self.janus.config.ws_url, room, pin, tokens)
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=run_class, args=(plan, theirs), daemon=True)
        process.start()
        theirs.close()
        one = Class(plan, process, ours)
        self.running.append(one)
        one.joined = _receive(ours, JOIN_TIMEOUT + SETTLE_TIMEOUT + size * JOIN_GAP + 30)
        return one

    def measure(self, window: float) -> dict[str, Any]:
        pids = [one.process.pid for one in self.running]
        for one in self.running:
            if "error" not in one.joined:
                try:
                    one.pipe.send({"do": "measure", "window": window})
                except OSError as error:
                    one.joined = {"error": f"the class process ended: {error!r}"}
        janus_before = cpu_seconds(self.janus.process.pid)
        generator_before = sum(cpu_seconds(pid) for pid in pids)
        started = time.monotonic()
        reports = []
        for one in self.running:
            if "error" in one.joined:
                reports.append({"held": False, "error": one.joined["error"]})
                continue
            reports.append(_receive(one.pipe, window + 30))
        elapsed = time.monotonic() - started
        return {
            "reports": reports,
            "sfu_cpu_percent": (cpu_seconds(self.janus.process.pid) - janus_before) / elapsed * 100,
            "generator_cpu_percent": (sum(cpu_seconds(pid) for pid in pids) - generator_before)
            / elapsed
            * 100,
        }

    def close(self) -> None:
        for one in self.running:
            with contextlib.suppress(OSError, ValueError):
                one.pipe.send({"do": "stop"})
        for one in self.running:
            one.process.join(15)
            if one.process.is_alive():
                one.process.kill()
                one.process.join(5)
            with contextlib.suppress(Exception):
                self.admin.destroy_room(room_id=one.plan.room, secret=self.secrets[one.plan.room])
        self.running = []


@dataclass
class Step:
    classes: int
    class_size: int
    join_ms: list[float]
    failed_joins: int
    measured: dict[str, Any]
    retry: bool = False
    load_1m: float = field(default_factory=lambda: os.getloadavg()[0])

    @property
    def held(self) -> bool:
        return not self.failed_joins and all(r.get("held") for r in self.measured["reports"])

    def summary(self) -> dict[str, Any]:
        reports = [r for r in self.measured["reports"] if "error" not in r]

        def lowest(key: str) -> float | None:
            return _rounded(min((r[key] for r in reports), default=None))

        return {
            "classes": self.classes,
            "class_size": self.class_size,
            "held": self.held,
            "measured_again": self.retry,
            "load_1m": round(self.load_1m, 2),
            "join_to_frame_ms_p50": _rounded(percentile(self.join_ms, 0.5)),
            "join_to_frame_ms_p95": _rounded(percentile(self.join_ms, 0.95)),
            "failed_joins": self.failed_joins,
            "forwarded_tracks": sum(r.get("flows", 0) for r in reports),
            "flows_short": sum(r.get("flows_short", 0) for r in reports),
            "host_fps_at_learners_min": lowest("host_fps_at_learners_min"),
            "thumb_fps_at_host_min": lowest("thumb_fps_at_host_min"),
            "host_fps_sent_min": lowest("host_fps_sent"),
            "thumb_fps_sent_min": lowest("thumb_fps_sent_min"),
            "host_kbps": lowest("host_kbps"),
            "thumb_kbps_mean": lowest("thumb_kbps_mean"),
            "sfu_cpu_percent": _rounded(self.measured["sfu_cpu_percent"]),
            "generator_cpu_percent": _rounded(self.measured["generator_cpu_percent"]),
            "errors": [r["error"] for r in self.measured["reports"] if "error" in r][:3]
            + [r["sync_error"] for r in reports if r.get("sync_error")][:3],
            "per_class": [
                {
                    "held": bool(r.get("held")),
                    "flows_short": r.get("flows_short"),
                    "host_fps_at_learners_min": _rounded(r.get("host_fps_at_learners_min")),
                    "thumb_fps_at_host_min": _rounded(r.get("thumb_fps_at_host_min")),
                    "sync_errors": r.get("sync_errors", 0),
                }
                for r in self.measured["reports"]
            ],
        }


def describe(step: Step) -> str:
    s = step.summary()
    return (
        f"{s['classes']} class(es) of {s['class_size']}: join to frame p50 "
        f"{s['join_to_frame_ms_p50']} ms, p95 {s['join_to_frame_ms_p95']} ms "
        f"({s['failed_joins']} failed); {s['forwarded_tracks']} tracks forwarded, "
        f"{s['flows_short']} short; host video at learners >= {s['host_fps_at_learners_min']} "
        f"fps (sent {s['host_fps_sent_min']}), thumbnails at host >= "
        f"{s['thumb_fps_at_host_min']} fps (sent {s['thumb_fps_sent_min']}); Janus CPU "
        f"{s['sfu_cpu_percent']}% of a core, generator {s['generator_cpu_percent']}%"
        f"; load {s['load_1m']}{' (measured again)' if step.retry else ''}"
        f"{' ' + str(s['errors']) if s['errors'] else ''} -> "
        f"{'holds' if step.held else 'DOES NOT HOLD'}"
    )


def _step(
    classes: Classes, size: int, window: float, added: list[Class], retries: list[int]
) -> Step:
    join_ms = [ms for one in added for ms in one.joined.get("joined", [])]
    failed = sum(int(one.joined.get("failed", 0)) + ("error" in one.joined) for one in added)
    for one in added:
        for failure in [*one.joined.get("failures", []), one.joined.get("error", "")]:
            if failure:
                progress(f"class {one.plan.number}: {failure}")
    time.sleep(window / 2)  # the joins' burst of work over, the classes are measured going on
    step = Step(len(classes.running), size, join_ms, failed, classes.measure(window))
    progress(describe(step))
    while not step.held and not failed and retries[0] > 0:
        # Other work on the machine can stall a measurement: measured once more.
        retries[0] -= 1
        step = Step(len(classes.running), size, join_ms, failed, classes.measure(window), True)
        progress(describe(step))
    return step


def run(sizes: Sizes, quick: bool) -> dict[str, Any]:
    began = time.monotonic()
    steps: list[Step] = []
    with (
        tempfile.TemporaryDirectory(prefix="chaperon-benchclassroom-") as directory,
        janus_server(Path(directory) / "janus") as janus,
        JanusAdmin(janus.config) as admin,
    ):
        progress(f"janus: pid {janus.process.pid}, WebSocket API {janus.config.ws_url}")
        classes = Classes(janus, admin)
        retries = [RETRIES]
        try:
            small = _step(
                classes, sizes.small_class, sizes.window, [classes.add(sizes.small_class)], retries
            )
            classes.close()
            for level in range(1, sizes.levels + 1):
                added = [classes.add(sizes.class_size)]
                step = _step(classes, sizes.class_size, sizes.window, added, retries)
                steps.append(step)
                if not step.held:
                    break
                if time.monotonic() - began > sizes.budget:
                    progress(f"time budget of {sizes.budget:.0f} s spent after {level} classes")
                    break
        finally:
            classes.close()
        janus_errors = (
            [
                line
                for line in janus.log.read_text(errors="replace").splitlines()
                # (requests on sessions already gone, as the classes close at the end)
                if "[ERR]" in line and "Couldn't find any session" not in line
            ][-5:]
            if janus.log.exists()
            else []
        )
    for line in janus_errors:
        progress(f"janus logged: {line}")
    held = [step for step in steps if step.held]
    best = held[-1] if held else None
    first = steps[0] if steps else None
    one = first.summary() if first else {}
    at_best = best.summary() if best else {}
    learners = sizes.class_size - 1
    host_kbps = one.get("host_kbps") or 0.0
    return {
        "bench": "classroom",
        "join_to_frame_ms_p95": one.get("join_to_frame_ms_p95"),
        "classes_of_30_held": best.classes if best else 0,
        "sfu_cpu_percent": at_best.get("sfu_cpu_percent"),
        "forwarded_tracks": at_best.get("forwarded_tracks", 0),
        "generator_cpu_percent": at_best.get("generator_cpu_percent"),
        "join_to_frame_ms_p50": one.get("join_to_frame_ms_p50"),
        "largest_step_tried": steps[-1].classes if steps else 0,
        "class_of_10": small.summary(),
        "steps": [step.summary() for step in steps],
        "mesh_of_30": {
            "host_sends_streams": learners,
            "host_sends_kbps": round(host_kbps * learners),
            "sfu_host_sends_streams": 1,
            "sfu_host_sends_kbps": round(host_kbps),
        },
        "seconds": round(time.monotonic() - began, 1),
        "quick": quick,
        "targets": {"join_to_frame_ms_p95": 500, "classes_of_30_held": 2},
        "machine": (
            f"Python {platform.python_version()}; {os.cpu_count()} cores; load average "
            + ", ".join(f"{value:.2f}" for value in os.getloadavg())
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="at most 2 classes, 2 s windows")
    parser.add_argument("--levels", type=int, help="classes of 30 at most (1 to 8)")
    parser.add_argument("--class-size", type=int, help="people in a class (2 to 60; 30)")
    parser.add_argument("--small-class", type=int, help="the comparison's class (2 to 30; 10)")
    arguments = parser.parse_args()
    sizes = QUICK if arguments.quick else FULL
    if arguments.levels:
        sizes = dataclasses.replace(sizes, levels=max(1, min(8, arguments.levels)))
    if arguments.class_size:
        sizes = dataclasses.replace(sizes, class_size=max(2, min(60, arguments.class_size)))
    if arguments.small_class:
        sizes = dataclasses.replace(sizes, small_class=max(2, min(30, arguments.small_class)))
    own_network()
    result = run(sizes, arguments.quick)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
