"""What the benchmarks that run Chaperon as in production share: a free loopback port, the
ASGI server in a process of its own (with `chaperon serve`'s options) or `chaperon serve`
itself, and percentiles."""

import math
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * share)) - 1]


@contextmanager
def asgi_server(
    port: int, log: Path, *, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Chaperon's ASGI application under uvicorn on 127.0.0.1:``port``, in its own process
    (and process group), with the options of ``chaperon serve``; stopped on the way out."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "chaperon.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--ws",
        "websockets-sansio",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and application)
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for_port(port, process, log)
            yield process
        finally:
            stop(process)


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start:\n{log.read_text()[-3000:]}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start within 60 s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def chaperon_command(*args: str) -> list[str]:
    """``chaperon ARGS`` with this interpreter."""
    return [sys.executable, "-c", "from chaperon.cli import main; main()", *args]


@contextmanager
def chaperon_serve(
    port: int, log: Path, *, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``chaperon serve`` itself (web server, supervised task worker and scheduler) on
    127.0.0.1:``port`` in its own process group, its output in ``log``; stopped on the way
    out."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            chaperon_command("serve", "--port", str(port)),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for_port(port, process, log)
            yield process
        finally:
            stop(process)
