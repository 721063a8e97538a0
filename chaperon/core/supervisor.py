"""Keeping ``chaperon serve``'s background processes running.

The supervisor starts each child (the HTTP and WebSocket servers, the task worker, the
scheduler), watches it from a thread, and when one stops, for whatever reason, logs why and
starts it again after a wait that doubles from 1 s up to ``max_wait`` (reset once a child has
run that long). With ``restart`` off, a
stopped child is logged as an error and left stopped (``/healthz`` then says 503).
"""

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .heartbeats import SUPERVISOR_ENV

logger = logging.getLogger("chaperon.serve")

POLL_SECONDS = 0.5


@dataclass
class Child:
    label: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    gave_up: bool = field(default=False)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"was killed by signal {name}"
    return f"exited with code {code}"


class Supervisor:
    def __init__(
        self,
        children: Mapping[str, Sequence[str]],
        *,
        restart: bool,
        max_wait: float,
        env: Mapping[str, str] | None = None,
    ):
        self.children = [Child(label, argv) for label, argv in children.items()]
        self.env = dict(env or {})
        self.restart = restart
        self.max_wait = max_wait
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)
        self._thread.start()

    def _spawn(self, child: Child) -> None:
        environment = {**os.environ, **self.env, SUPERVISOR_ENV: str(os.getpid())}
        # A session of its own: a Ctrl-C at the terminal reaches the server, which stops the
        # children itself, rather than each of them at once (which would look like a crash).
        child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            child.argv, env=environment, start_new_session=True
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        logger.info("Started the %s (pid %s)", child.label, child.process.pid)

    def _watch(self) -> None:
        while not self._stopping.wait(POLL_SECONDS):
            for child in self.children:
                self._check(child)

    def _check(self, child: Child) -> None:
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at and not self._stopping.is_set():
                self._spawn(child)
            return
        if child.gave_up or child.process is None:
            return
        code = child.process.poll()
        if code is None:
            return
        ran = now - child.started_at
        child.failures = 1 if ran >= self.max_wait else child.failures + 1
        if not self.restart:
            logger.error(
                "The %s (pid %s) %s; it is not started again (SERVE_RESTART is off)",
                child.label,
                child.process.pid,
                describe_exit(code),
            )
            child.gave_up = True
            return
        wait = min(self.max_wait, 2.0 ** (child.failures - 1))
        logger.error(
            "The %s (pid %s) %s after %.0f s; starting it again in %.0f s",
            child.label,
            child.process.pid,
            describe_exit(code),
            ran,
            wait,
        )
        child.restart_at = now + wait

    def stop(self, *, grace: float = 10.0) -> None:
        """Stop watching, then ask each child to stop, and kill any still running after
        ``grace`` seconds."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=grace)
