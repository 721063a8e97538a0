"""Live-room benchmark: how fast a call begins, and how many recorded 1:1 rooms one server holds.

    python bench/rooms.py [--quick]

Runs on a throwaway database of its own (``bench/database.py``: PostgreSQL when
``DATABASE_URL`` names it or one answers on 127.0.0.1:5432, else a temporary SQLite file),
with its own vault folder, key file and secret key in a temporary folder. The data is made
through the services: a fictional school, and per room a host with current checks and a
learner with a parent and every consent (recording included), their 1:1 booked and prepared.
Chaperon runs as in production: ``chaperon.asgi:application`` under uvicorn in a process of its
own, with the options of ``chaperon serve``, on 127.0.0.1 and a free port.

1. Join to first frame. Debian's Chromium (two contexts, fake cameras): the learner comes
   through the door and is admitted, again and again; the page times from pressing "I
   understand and agree" (the admitted learner's client starts joining the call) to the first
   frame of the host's video shown (``requestVideoFrameCallback``). Target: p95 < 500 ms.
2. Rooms held. A few seconds of WebM from Chromium's MediaRecorder (fake camera and
   microphone, 1 s timeslices) is captured first. Then recorded 1:1 rooms are added step by
   step (1, 2, 4, ... 64): in each, a simulated host and learner join (join link, passcode,
   WebSocket, admission, agreement), recording starts and both send that WebM over their
   WebSocket, a chunk a second, at a camera's bit rate (``--kbps``, 1000 by default; the fake
   camera's plain picture encodes at less, so each chunk is lengthened with its own bytes),
   while the server writes it to the vault. At each step, with every room sending, fresh
   learners join fresh rooms (join link -> admitted -> in the call -> one signalling round
   trip) and are timed. A step holds when that join's p95 is under 1 s, every join succeeds,
   the server handles each second of media within a second (p95 of the time to the answer to
   a mark sent after each chunk), and it records no gap in any track; one that does not is
   measured once more (three times at most in a run: other work on the machine can stall a
   measurement). ``max_rooms`` is the largest step that holds. Target: >= 10. At the end
   every room stops recording and the bytes in the vault are compared with the bytes sent.

``--quick`` makes fewer joins and fewer, shorter steps (about a minute); ``--joins`` and
``--levels 1,2,4`` choose them. Every loop is bounded in count and time; the server, the
browser and the temporary folder are removed even on failure. Progress goes to stdout; the
last line printed is one JSON object.
"""

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import rooms_browser
import rooms_load
import rooms_setup
from database import bench_database
from processes import asgi_server, free_port, percentile

BENCH_DATABASE = "chaperon_benchrooms"
T = TypeVar("T")


@dataclass(frozen=True)
class Sizes:
    joins: int  # browser joins timed (after one warm-up)
    levels: tuple[int, ...]  # rooms at each step
    probes: int  # fresh joins timed at each step
    hold: float  # seconds each step runs with every room sending, at least
    capture: float  # seconds of WebM captured
    budget: float  # seconds for all the steps together


FULL = Sizes(
    joins=20,
    levels=(1, 2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64),
    probes=8,
    hold=12.0,
    capture=6.0,
    budget=900.0,
)
QUICK = Sizes(joins=8, levels=(1, 4, 10), probes=3, hold=6.0, capture=4.0, budget=120.0)
TIMESLICE = 1.0  # seconds of media per chunk, as room.js records
JOIN_LIMIT_MS = 1000.0
RETRIES = 3  # steps measured a second time (in the whole run) when they do not hold
BACKLOG_LIMIT_MS = 1000.0


def progress(line: str) -> None:
    print(line, flush=True)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# Reading the server's records (in one thread of this process, its own connection) --------------


class Records:
    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-db")

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, function, *args)

    def close(self) -> None:
        from django.db import connections

        self.pool.submit(connections.close_all).result(timeout=30)
        self.pool.shutdown()


def gaps_since(moment: Any, session_ids: list[int]) -> int:
    """Gaps the server noticed (or kept with a track) in these rooms since ``moment``."""
    from chaperon.rooms.models import RoomEvent

    return RoomEvent.objects.filter(
        room_id__in=session_ids, kind__in=("track_gap_noticed", "track_gap"), at__gte=moment
    ).count()


def recorded_bytes(session_ids: list[int]) -> tuple[dict[int, int], int, int]:
    """Bytes in the vault per participant (their tracks' sizes), tracks still open, and
    recordings not finished."""
    from chaperon.recordings.models import Recording, Track

    sizes: dict[int, int] = {}
    tracks = Track.objects.filter(recording__session_id__in=session_ids)
    for label, size in tracks.values_list("label", "size"):
        participant = int(label.rsplit("#", 1)[1])
        sizes[participant] = sizes.get(participant, 0) + size
    open_tracks = tracks.filter(closed=False).count()
    unfinished = Recording.objects.filter(session_id__in=session_ids, status="recording").count()
    return sizes, open_tracks, unfinished


def now() -> Any:
    from django.utils import timezone

    return timezone.now()


# The steps ----------------------------------------------------------------------------------


@dataclass
class Level:
    marks: rooms_load.Marks = field(default_factory=rooms_load.Marks)


@dataclass
class StepResult:
    rooms: int
    holds: bool
    join_ms: list[float]
    door_ms: list[float]
    admitted_ms: list[float]
    signal_ms: list[float]
    failed_joins: int
    backlog_ms_p95: float | None
    backlog_ms_max: float | None
    send_lag_ms_p95: float | None
    unanswered: int
    gaps: int
    errors: list[str]
    server_cpu: float  # share of one core the server used during the step
    client_cpu: float  # and this process (the simulated participants)
    seconds: float
    load: float = 0.0  # the machine's load average over the last minute, at the end
    retry: bool = False  # the step measured again after it did not hold

    def summary(self) -> dict[str, Any]:
        return {
            "rooms": self.rooms,
            "holds": self.holds,
            "retry": self.retry,
            "join_ms_p50": _rounded(percentile(self.join_ms, 0.5)),
            "join_ms_p95": _rounded(percentile(self.join_ms, 0.95)),
            "door_ms_p95": _rounded(percentile(self.door_ms, 0.95)),
            "admitted_ms_p95": _rounded(percentile(self.admitted_ms, 0.95)),
            "signal_rtt_ms_p95": _rounded(percentile(self.signal_ms, 0.95)),
            "failed_joins": self.failed_joins,
            "backlog_ms_p95": _rounded(self.backlog_ms_p95),
            "backlog_ms_max": _rounded(self.backlog_ms_max),
            "send_lag_ms_p95": _rounded(self.send_lag_ms_p95),
            "gaps": self.gaps,
            "errors": len(self.errors),
            "server_cpu_percent": round(self.server_cpu * 100),
            "bench_cpu_percent": round(self.client_cpu * 100),
            "load_1m": round(self.load, 2),
        }


class Steps:
    def __init__(
        self,
        *,
        base: str,
        server_pid: int,
        rooms: list[rooms_setup.Booked],
        probes: Iterator[rooms_setup.Booked],
        chunks: list[bytes],
        sizes: Sizes,
        records: Records,
    ) -> None:
        self.base = base
        self.server_pid = server_pid
        self.rooms = rooms
        self.probes = probes
        self.chunks = chunks
        self.sizes = sizes
        self.records = records
        self.level = Level()
        self.running: list[rooms_load.Joined] = []
        self.results: list[StepResult] = []
        self.integrity: dict[str, Any] = {}

    def marks(self) -> rooms_load.Marks:
        return self.level.marks

    async def run(self) -> None:
        deadline = time.monotonic() + self.sizes.budget
        try:
            retries = RETRIES
            for rooms in self.sizes.levels:
                if rooms > len(self.rooms) or time.monotonic() > deadline:
                    break
                result = await self.step(rooms)
                self.results.append(result)
                progress(_describe(result))
                if not result.holds and retries and result.rooms == rooms:
                    # Other work on the machine can stall one measurement: once more.
                    retries -= 1
                    result = await self.step(rooms)
                    result.retry = True
                    self.results.append(result)
                    progress(_describe(result))
                if not result.holds:
                    break
        finally:
            await self.finish()

    async def step(self, rooms: int) -> StepResult:
        started = time.monotonic()
        self.level = Level()
        failed = 0
        while len(self.running) < rooms:
            booked = self.rooms[len(self.running)]
            try:
                self.running.append(
                    await rooms_load.open_recorded_room(
                        self.base, booked, self.marks, self.chunks, TIMESLICE
                    )
                )
            except (rooms_load.JoinFailed, OSError, TimeoutError) as error:
                progress(f"  room {booked.session_id} could not open: {error}")
                for message in self.level.marks.errors[-3:]:
                    progress(f"    {message}")
                failed += 1
                break
        # Measured from here: every room in, every participant sending.
        self.level = Level()
        since = await self.records.call(now)
        cpu_before, measured = rooms_setup.server_cpu_seconds(self.server_pid), time.monotonic()
        own_before = time.process_time()
        await asyncio.sleep(min(2.0, self.sizes.hold / 3))
        joins: list[rooms_load.Joined] = []
        for _ in range(self.sizes.probes):
            probe = next(self.probes, None)
            if probe is None:
                break
            booked = probe
            try:
                host = await rooms_load.open_host(self.base, booked, self.marks, start=True)
            except (rooms_load.JoinFailed, OSError, TimeoutError) as error:
                progress(f"  probe room {booked.session_id}: the host could not open: {error}")
                failed += 1
                continue
            try:
                joined = await rooms_load.learner_join(self.base, host, booked)
            except (rooms_load.JoinFailed, OSError, TimeoutError) as error:
                progress(f"  probe join {booked.session_id} failed: {error}")
                failed += 1
                await host.close()
                continue
            joins.append(joined)
            await rooms_load.end_room(joined, stop_recording=False)
            await asyncio.sleep(0.2)
        left = self.sizes.hold - (time.monotonic() - measured)
        if left > 0:
            await asyncio.sleep(left)
        cpu = rooms_setup.server_cpu_seconds(self.server_pid) - cpu_before
        own = time.process_time() - own_before
        elapsed = time.monotonic() - measured
        ids = [joined.booked.session_id for joined in self.running]
        gaps = await self.records.call(gaps_since, since, ids)
        marks = self.level.marks
        unanswered = max(
            (len(j.host.pending) + len(j.learner.pending) for j in self.running), default=0
        )
        result = StepResult(
            rooms=len(self.running),
            holds=False,
            join_ms=[joined.call_ms for joined in joins],
            door_ms=[joined.door_ms for joined in joins],
            admitted_ms=[joined.admitted_ms for joined in joins],
            signal_ms=[joined.signal_ms for joined in joins],
            failed_joins=failed,
            backlog_ms_p95=percentile(marks.ack_ms, 0.95),
            backlog_ms_max=max(marks.ack_ms, default=None),
            send_lag_ms_p95=percentile(marks.lag_ms, 0.95),
            unanswered=unanswered,
            gaps=gaps,
            errors=list(marks.errors),
            server_cpu=cpu / elapsed if elapsed else 0.0,
            client_cpu=own / elapsed if elapsed else 0.0,
            seconds=time.monotonic() - started,
            load=os.getloadavg()[0],
        )
        join_p95 = percentile(result.join_ms, 0.95)
        result.holds = (
            result.rooms == rooms
            and failed == 0
            and join_p95 is not None
            and join_p95 < JOIN_LIMIT_MS
            and result.backlog_ms_p95 is not None
            and result.backlog_ms_p95 < BACKLOG_LIMIT_MS
            and unanswered <= 4
            and gaps == 0
            and not result.errors
        )
        for message in result.errors[:5]:
            progress(f"  {message}")
        return result

    async def finish(self) -> None:
        """Stop sending, let the server catch up, stop recording, end every room; then
        compare what the vault holds with what was sent."""
        drained = await asyncio.gather(
            *(
                participant.stop_streaming(timeout=60)
                for joined in self.running
                for participant in (joined.host, joined.learner)
            )
        )
        sent: dict[int, int] = {}
        for joined in self.running:
            for participant in (joined.host, joined.learner):
                if participant.view:
                    sent[participant.view["me"]["id"]] = participant.sent_bytes
        await asyncio.gather(
            *(rooms_load.end_room(joined, stop_recording=True) for joined in self.running)
        )
        ids = [joined.booked.session_id for joined in self.running]
        if not ids:
            return
        deadline = time.monotonic() + 30
        while True:
            sizes, open_tracks, unfinished = await self.records.call(recorded_bytes, ids)
            if (open_tracks == 0 and unfinished == 0) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        total_sent = sum(sent.values())
        total_recorded = sum(sizes.get(participant, 0) for participant in sent)
        short = sorted(p for p, size in sent.items() if sizes.get(p, 0) != size)
        self.integrity = {
            "sent_bytes": total_sent,
            "recorded_bytes": total_recorded,
            "participants_short": len(short),
            "tracks_left_open": open_tracks,
            "recordings_unfinished": unfinished,
            "server_caught_up": all(drained),
        }
        progress(
            f"vault: {total_recorded:,} of {total_sent:,} bytes sent were recorded; "
            f"{len(short)} of {len(sent)} participants short; {open_tracks} tracks left open"
        )


def _describe(result: StepResult) -> str:
    s = result.summary()
    return (
        f"{result.rooms:>3} rooms: join p50 {s['join_ms_p50']} ms, p95 {s['join_ms_p95']} ms "
        f"(door p95 {s['door_ms_p95']} ms, admitted p95 {s['admitted_ms_p95']} ms, "
        f"signalling {s['signal_rtt_ms_p95']} ms); "
        f"media handled within p95 {s['backlog_ms_p95']} ms (max {s['backlog_ms_max']}); "
        f"{result.gaps} gaps; {result.failed_joins} failed joins; server CPU "
        f"{s['server_cpu_percent']}% of a core, bench {s['bench_cpu_percent']}%, load "
        f"{s['load_1m']}{' (measured again)' if result.retry else ''} -> "
        f"{'holds' if result.holds else 'DOES NOT HOLD'}"
    )


# The run ------------------------------------------------------------------------------------


def padded(chunks: list[bytes], captured_seconds: float, bits_per_second: int) -> list[bytes]:
    """The captured chunks, each lengthened by repeating its own bytes when the encoder made
    less than ``bits_per_second`` (the fake camera's plain picture compresses well), so that
    the replay carries a real camera's bit rate. The server stores media without reading it."""
    size = sum(len(chunk) for chunk in chunks)
    if not size:
        raise RuntimeError("MediaRecorder gave no media")
    factor = bits_per_second / 8 * captured_seconds / size
    if factor <= 1:
        return chunks
    out = []
    for chunk in chunks:
        target = int(len(chunk) * factor)
        out.append((chunk * (target // len(chunk) + 1))[:target])
    return out


def describe_machine(database: str) -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{database}; Python {platform.python_version()}; {os.cpu_count()} cores; "
        f"load average {load}"
    )


def run(sizes: Sizes, quick: bool, bits_per_second: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="chaperon-benchrooms-") as directory,
        bench_database(BENCH_DATABASE) as where,
    ):
        folder = Path(directory)
        port = free_port()
        rooms_setup.configure(folder, port)
        database = rooms_setup.setup_django()
        progress(f"database: {where} ({database})")
        started = time.monotonic()
        school = rooms_setup.School()
        call_room = school.book(recording=False)
        load_rooms = [school.book(recording=True) for _ in range(max(sizes.levels))]
        probe_rooms = [
            school.book(recording=False)
            for _ in range((len(sizes.levels) + RETRIES) * sizes.probes)
        ]
        progress(f"booked {school.count} sessions in {time.monotonic() - started:.1f} s")
        records = Records()
        base = f"http://127.0.0.1:{port}"
        try:
            with asgi_server(port, folder / "server.log") as server:
                progress(f"server: uvicorn pid {server.pid} on {base}")
                browser = rooms_browser.run(
                    base,
                    call_room,
                    joins=sizes.joins,
                    capture_seconds=sizes.capture,
                    bits_per_second=bits_per_second,
                    progress=progress,
                )
                captured = sum(len(chunk) for chunk in browser.chunks)
                chunks = padded(browser.chunks, sizes.capture, bits_per_second)
                sent_rate = sum(len(chunk) for chunk in chunks) * 8 / sizes.capture
                progress(
                    f"replaying {len(chunks)} chunks at {sent_rate / 1000:.0f} kbit/s "
                    "per participant"
                )
                steps = Steps(
                    base=base,
                    server_pid=server.pid,
                    rooms=load_rooms,
                    probes=iter(probe_rooms),
                    chunks=chunks,
                    sizes=sizes,
                    records=records,
                )
                asyncio.run(steps.run())
                log_tail = (folder / "server.log").read_text(errors="replace")[-2000:]
        finally:
            records.close()
    holding = [result.rooms for result in steps.results if result.holds]
    max_rooms = max(holding, default=0)
    if steps.results and steps.results[-1].holds and steps.results[-1].rooms == max(sizes.levels):
        progress(f"every step held, up to {max_rooms} rooms (the largest step tried)")
    if "Traceback" in log_tail:
        progress(f"the server logged errors; its last lines:\n{log_tail}")
    return {
        "bench": "rooms",
        "join_to_frame_ms_p50": _rounded(percentile(browser.frame_ms, 0.5)),
        "join_to_frame_ms_p95": _rounded(percentile(browser.frame_ms, 0.95)),
        "joins": len(browser.frame_ms),
        "join_to_decoded_ms_p95": _rounded(percentile(browser.decoded_ms, 0.95)),
        "join_to_offer_ms_p50": _rounded(percentile(browser.offered_ms, 0.5)),
        "join_to_connected_ms_p50": _rounded(percentile(browser.connected_ms, 0.5)),
        "max_rooms": max_rooms,
        "largest_step_tried": max(sizes.levels),
        "steps": [result.summary() for result in steps.results],
        "vault": steps.integrity,
        "webm": browser.webm_type,
        "captured_kbps": round(captured * 8 / sizes.capture / 1000),
        "sent_kbps_per_participant": round(sent_rate / 1000),
        "timeslice_s": TIMESLICE,
        "quick": quick,
        "targets": {"join_to_frame_ms_p95": 500, "max_rooms": 10},
        "machine": describe_machine(where),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer joins and steps")
    parser.add_argument(
        "--kbps", type=int, default=1000, help="media bit rate per participant (default 1000)"
    )
    parser.add_argument("--joins", type=int, help="browser joins to time")
    parser.add_argument("--levels", help="rooms at each step, e.g. 1,2,4,8")
    arguments = parser.parse_args()
    sizes = QUICK if arguments.quick else FULL
    if arguments.joins is not None:
        sizes = dataclasses.replace(sizes, joins=max(1, arguments.joins))
    if arguments.levels:
        levels = sorted({max(1, int(level)) for level in arguments.levels.split(",")})
        sizes = dataclasses.replace(sizes, levels=tuple(levels[:20]))
    result = run(sizes, arguments.quick, max(100, arguments.kbps) * 1000)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
