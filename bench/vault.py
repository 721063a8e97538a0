"""Recordings vault benchmark: ingest and playback of one long track, against plain files.

    python bench/vault.py [--quick]

Writes one track of 2 GiB (``--quick``: 256 MiB) into the vault through the live room's own
interface (``track_open`` and ``TrackWriter.write`` in 64 KiB pieces, as a browser's
MediaRecorder sends them: sealed with AES-256-GCM in 1 MiB chunks, each written and fsynced),
then plays it back as the media view serves a player's ``Range: bytes=0-``: ``open_track``,
``first_and_rest`` over the whole track and every piece after it (every chunk read, its tag
checked against its place, decrypted into a fresh piece for the response), then ``close``.
Side by side, in the same run and on the same disk, the same bytes are written plainly (the
same 64 KiB pieces gathered into 1 MiB writes, each fsynced: the vault's durability without its
encryption) and read back plainly as a plain file server would: one open file, told
``POSIX_FADV_SEQUENTIAL`` as the vault's reader tells its own, read in 1 MiB pieces, each a
fresh ``bytes``. Before every read, of either side, the file is dropped from the page cache
(``fsync``, then ``posix_fadvise(DONTNEED)``), so both reads start from the disk alike.

Each round writes both files (the order alternating between rounds), reads each once untimed
(on a virtual disk the first read of a freshly written file is several times slower than later
ones, for either side), then reads each of them ``READS`` times, plain and vault alternating
which goes first. Each step runs in a child
process of its own, which reports its time, its CPU time and its peak resident memory
(``VmHWM``): the vault's must stay under 100 MiB whatever the length. The rates compared are
each side's median over every round (the disk is shared: one lucky or unlucky read does not
decide), and the median of the ratios of reads made back to back is printed beside them.

Runs on a throwaway database (see ``bench/database.py``); files go under ``var/bench-vault``
and are removed at the end. The last line printed is one JSON object.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from database import bench_database

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-vault"
MIB = 1024 * 1024
PIECE = 64 * 1024
READS = 3  # reads of each side per round
BENCH_DATABASE = "chaperon_bench_vault"


def _setup_django(vault_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    os.environ["VAULT_DIR"] = str(vault_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _pattern() -> bytes:
    """4 MiB of random bytes, reused: making the data must not weigh on either side."""
    return os.urandom(4 * MIB)


def _pieces(size: int) -> Any:
    pattern = memoryview(_pattern())
    done = 0
    while done < size:
        start = done % len(pattern)
        piece = pattern[start : start + min(PIECE, size - done)]
        yield piece
        done += len(piece)


def _peak_mib() -> float:
    """This process's peak resident memory. ``VmHWM`` starts afresh at ``exec``, whereas
    ``getrusage``'s maxrss carries over what the forking parent held."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _drop_from_cache(path: Path) -> None:
    for file in [path] if path.is_file() else sorted(path.rglob("*")):
        if file.is_file():
            descriptor = os.open(file, os.O_RDONLY)
            try:
                os.fsync(descriptor)
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# Children: each does one step and prints {"seconds", "cpu_seconds", "peak_mib", "baseline_mib"}


def child_plain_write(path: Path, size: int) -> dict[str, float]:
    baseline = _peak_mib()
    cpu = _cpu_seconds()
    buffer = bytearray()
    started = time.perf_counter()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for piece in _pieces(size):
            buffer += piece
            if len(buffer) >= MIB:
                with memoryview(buffer) as view:
                    os.write(descriptor, view[:MIB])
                os.fsync(descriptor)
                del buffer[:MIB]
        os.write(descriptor, bytes(buffer))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu, "baseline_mib": baseline}


def child_plain_read(path: Path, size: int) -> dict[str, float]:
    baseline = _peak_mib()
    cpu = _cpu_seconds()
    started = time.perf_counter()
    total = 0
    with path.open("rb", buffering=0) as file:
        os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while chunk := file.read(MIB):
            total += len(chunk)
    seconds = time.perf_counter() - started
    assert total == size, (total, size)
    return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu, "baseline_mib": baseline}


def child_vault_write(vault_dir: Path, recording_id: int, size: int) -> dict[str, float]:
    _setup_django(vault_dir)
    from chaperon.recordings.models import Recording
    from chaperon.recordings.services import track_open

    recording = Recording.objects.get(pk=recording_id)
    baseline = _peak_mib()
    cpu = _cpu_seconds()
    started = time.perf_counter()
    writer = track_open(recording=recording, label="Bench")
    for piece in _pieces(size):
        writer.write(piece)
    writer.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu, "baseline_mib": baseline}


def child_vault_read(
    vault_dir: Path, recording_id: int, size: int, number: int
) -> dict[str, float]:
    _setup_django(vault_dir)
    from chaperon.recordings.crypto import CHUNK_SIZE
    from chaperon.recordings.models import Track
    from chaperon.recordings.vault import open_track

    assert CHUNK_SIZE == MIB
    track = Track.objects.select_related("recording").get(recording_id=recording_id, number=number)
    baseline = _peak_mib()
    cpu = _cpu_seconds()
    started = time.perf_counter()
    with open_track(track) as reader:  # as the media view serves ``Range: bytes=0-``
        first, rest = reader.first_and_rest(0, reader.size - 1)
        total = len(first)
        for piece in rest:
            total += len(piece)
    seconds = time.perf_counter() - started
    assert total == size == reader.size, (total, size)
    return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu, "baseline_mib": baseline}


def _run_child(step: str, *args: str) -> dict[str, float]:
    output = subprocess.run(  # noqa: S603 (this very script)
        [sys.executable, __file__, "--child", step, *args],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _child_main(step: str, args: list[str]) -> None:
    if step == "plain-write":
        result = child_plain_write(Path(args[0]), int(args[1]))
    elif step == "plain-read":
        result = child_plain_read(Path(args[0]), int(args[1]))
    elif step == "vault-write":
        result = child_vault_write(Path(args[0]), int(args[1]), int(args[2]))
    else:
        result = child_vault_read(Path(args[0]), int(args[1]), int(args[2]), int(args[3]))
    result["peak_mib"] = _peak_mib()
    print(json.dumps(result))


# The run ------------------------------------------------------------------------------------


def _prepare(vault_dir: Path) -> int:
    """Migrate the throwaway database and begin a recording to write into; its id."""
    _setup_django(vault_dir)
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from chaperon.core.actors import SYSTEM
    from chaperon.people import services as people
    from chaperon.people.roles import Role
    from chaperon.recordings.services import Appearance, recording_begin
    from chaperon.sessions.models import Session

    call_command("migrate", interactive=False, verbosity=0)
    organisation = people.organisation_create(actor=SYSTEM, name="Bench School", slug="bench")
    teacher = people.staff_create(
        actor=SYSTEM,
        organisation=organisation,
        email="teacher@bench.example",
        full_name="Bench Teacher",
        roles=[Role.TEACHER],
        password=None,
    ).user
    session = Session.objects.create(
        organisation=organisation,
        organiser=teacher,
        kind="webinar",
        title="Bench webinar",
        start=timezone.now() - timedelta(minutes=5),
        duration_minutes=240,
        status="open",
        recording_enabled=True,
        recording_purpose="Benchmark",
    )
    session.staff.add(teacher)
    recording = recording_begin(
        actor=teacher,
        session=session,
        purpose="Benchmark",
        appearances=[Appearance(label="Bench Teacher", user_id=teacher.pk)],
    )
    from django.db import connections

    connections.close_all()
    return recording.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="256 MiB instead of 2 GiB")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    known, rest = parser.parse_known_args()
    if known.child:
        _child_main(known.child, rest)
        return
    size = (256 if known.quick else 2048) * MIB
    rounds = 5 if known.quick else 3
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    vault_dir = WORK / "vault"
    try:
        with bench_database(BENCH_DATABASE) as where:
            recording_id = _prepare(vault_dir)
            print(
                f"machine: Python {platform.python_version()}; {platform.machine()}; "
                f"{os.cpu_count()} cores; load average "
                f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}"
            )
            print(f"database: {where}; files under {WORK}")
            print(
                f"one track of {size // MIB} MiB in {PIECE // 1024} KiB pieces, {rounds} rounds "
                f"of one write and {READS} reads of each side (medians)"
            )
            common = (str(recording_id), str(size))
            runs: dict[str, list[dict[str, float]]] = {
                "plain_write": [],
                "vault_write": [],
                "plain_read": [],
                "vault_read": [],
            }
            paired: list[float] = []  # vault rate / plain rate, of reads made back to back
            for number in range(rounds):  # alternate which goes first: the disk is shared
                order = ("vault", "plain") if number % 2 else ("plain", "vault")
                plain = WORK / f"plain-{number}.webm"
                for step in order:
                    if step == "plain":
                        runs["plain_write"].append(_run_child("plain-write", str(plain), str(size)))
                    else:
                        runs["vault_write"].append(
                            _run_child("vault-write", str(vault_dir), *common)
                        )
                # On a virtual disk the first read of a freshly written file runs at a fraction
                # of the speed of later ones, whichever side wrote it: read each once, untimed,
                # so that both sides are timed in the same steady state.
                _drop_from_cache(plain)
                _run_child("plain-read", str(plain), str(size))
                _drop_from_cache(vault_dir)
                _run_child("vault-read", str(vault_dir), *common, str(number))
                for read in range(READS):
                    pair = {}
                    for step in order if read % 2 else order[::-1]:
                        if step == "plain":
                            _drop_from_cache(plain)
                            pair[step] = _run_child("plain-read", str(plain), str(size))
                        else:
                            _drop_from_cache(vault_dir)
                            pair[step] = _run_child(
                                "vault-read", str(vault_dir), *common, str(number)
                            )
                        runs[f"{step}_read"].append(pair[step])
                    paired.append(pair["plain"]["seconds"] / pair["vault"]["seconds"])
                # Both files go before the next round, so that each side writes into space
                # freed alike (a virtual disk writes blocks it never held more slowly).
                plain.unlink()
                for track_file in vault_dir.rglob(f"track-{number}.chunks"):
                    track_file.unlink()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    # Each side's median: what the shared disk typically let it do, not its luckiest moment.
    rate = {
        name: size / MIB / statistics.median(r["seconds"] for r in results)
        for name, results in runs.items()
    }
    cpu = {  # CPU time (user and system) per MiB, median
        name: 1000 * statistics.median(r["cpu_seconds"] for r in results) / (size / MIB)
        for name, results in runs.items()
    }
    spread = {
        name: f"{size / MIB / max(r['seconds'] for r in results):.0f}-"
        f"{size / MIB / min(r['seconds'] for r in results):.0f}"
        for name, results in runs.items()
    }
    vault_write = max(runs["vault_write"], key=lambda r: r["peak_mib"])
    vault_read = max(runs["vault_read"], key=lambda r: r["peak_mib"])
    plain_write = max(runs["plain_write"], key=lambda r: r["peak_mib"])
    plain_read = max(runs["plain_read"], key=lambda r: r["peak_mib"])
    ingest_ratio = rate["vault_write"] / rate["plain_write"]
    playback_ratio = rate["vault_read"] / rate["plain_read"]
    paired_ratio = statistics.median(paired)
    print(
        f"ingest:   vault {rate['vault_write']:8.1f} MiB/s ({spread['vault_write']})   "
        f"plain (fsync per MiB) {rate['plain_write']:8.1f} MiB/s ({spread['plain_write']})   "
        f"ratio {ingest_ratio:.2f}"
    )
    print(
        f"playback: vault {rate['vault_read']:8.1f} MiB/s ({spread['vault_read']})   "
        f"plain (from disk)      {rate['plain_read']:8.1f} MiB/s ({spread['plain_read']})   "
        f"ratio {playback_ratio:.2f} (median of back-to-back pairs {paired_ratio:.2f})"
    )
    print(
        f"CPU per MiB: vault ingest {cpu['vault_write']:.2f} ms, playback "
        f"{cpu['vault_read']:.2f} ms; plain {cpu['plain_write']:.2f} / {cpu['plain_read']:.2f} ms"
    )
    peak = max(vault_write["peak_mib"], vault_read["peak_mib"])
    print(
        f"peak RSS: vault ingest {vault_write['peak_mib']:.1f} MiB, playback "
        f"{vault_read['peak_mib']:.1f} MiB (of which {vault_write['baseline_mib']:.1f} MiB "
        "before the first byte: Python, Django, the app); plain "
        f"{plain_write['peak_mib']:.1f} / {plain_read['peak_mib']:.1f} MiB "
        "(target: vault under 100 MiB, ratios at least 0.8)"
    )
    print(
        json.dumps(
            {
                "bench": "vault",
                "ingest_ratio": round(ingest_ratio, 3),
                "playback_ratio": round(playback_ratio, 3),
                "playback_paired_ratio": round(paired_ratio, 3),
                "peak_rss_mib": round(peak, 1),
                "vault_ingest_mib_s": round(rate["vault_write"], 1),
                "plain_ingest_mib_s": round(rate["plain_write"], 1),
                "vault_playback_mib_s": round(rate["vault_read"], 1),
                "plain_playback_mib_s": round(rate["plain_read"], 1),
                "vault_playback_cpu_ms_per_mib": round(cpu["vault_read"], 2),
                "plain_playback_cpu_ms_per_mib": round(cpu["plain_read"], 2),
                "baseline_rss_mib": round(vault_write["baseline_mib"], 1),
                "size_mib": size // MIB,
                "rounds": rounds,
                "reads_per_round": READS,
                "quick": known.quick,
            }
        )
    )


if __name__ == "__main__":
    main()
