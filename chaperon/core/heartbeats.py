"""Background processes say they are alive, so that nothing they hold stays stuck if they die.

The task worker and the scheduler each beat every ``HEARTBEAT_SECONDS`` from a thread of their
own (so a long task does not look like a dead worker), writing one ``Heartbeat`` row named after
the process. ``/healthz`` reads the freshest beat of each role; the scheduler takes up again the
tasks and email held by a process whose beat is older than ``TASK_LEASE_SECONDS``
(``chaperon.core.leases``). A process that stops cleanly deletes its row.
"""

import logging
import os
import signal
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import Heartbeat, ProcessRole
from .resilience import discard_connections

logger = logging.getLogger(__name__)

# Set by ``chaperon serve`` for the processes it starts: the pid of the supervisor, so that a
# child left behind by a supervisor that was killed stops instead of running on unwatched.
SUPERVISOR_ENV = "CHAPERON_SUPERVISOR_PID"

_this_process: list[str] = []


def new_process_name(role: str) -> str:
    """A name unique to this process (at most 64 characters, as worker ids must be)."""
    host = socket.gethostname()[:40]
    return f"{role}:{host}:{os.getpid()}:{get_random_string(6)}"


def set_process_name(name: str) -> None:
    _this_process[:] = [name]


def process_name() -> str:
    """This process's name as a holder of work: the worker's or scheduler's id, or for any
    other process (a web server running a task at once, a command) its host and pid, which
    has no heartbeat, so its claims expire by their own age."""
    if _this_process:
        return _this_process[0]
    return f"process:{socket.gethostname()[:40]}:{os.getpid()}"


def lease() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


def beat(name: str, role: str, *, started_at: datetime) -> None:
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(beat_at=now)
    if not updated:
        Heartbeat.objects.update_or_create(
            name=name,
            defaults={
                "role": role,
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at,
                "beat_at": now,
            },
        )


def holder_gone(holder: str, taken_at: datetime | None, *, now: datetime) -> bool:
    """Whether work taken by ``holder`` at ``taken_at`` is abandoned: its heartbeat (or, for a
    holder that never beats, the moment it took the work) is older than the lease."""
    beat_at = Heartbeat.objects.filter(name=holder).values_list("beat_at", flat=True).first()
    last_sign = beat_at or taken_at
    return last_sign is None or last_sign < now - lease()


def forget_old(*, now: datetime) -> int:
    """Delete the rows of processes silent for a day (their work has long been taken up)."""
    deleted, _ = Heartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return deleted


class HeartbeatThread:
    """Beats for this process until ``stop``; a database that does not answer is logged once
    per outage and tried again at the next beat."""

    def __init__(self, name: str, role: ProcessRole) -> None:
        self.name = name
        self.role = role
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{role}", daemon=True)
        self._failing = False
        supervisor = os.environ.get(SUPERVISOR_ENV, "")
        self._supervisor = int(supervisor) if supervisor.isdigit() else None

    def start(self) -> None:
        set_process_name(self.name)
        self._beat()  # before the process says it has started
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=settings.HEARTBEAT_SECONDS + 5)
        try:
            Heartbeat.objects.filter(name=self.name).delete()
        except DatabaseError as error:  # the row goes stale instead, which says the same
            logger.info("%s: heartbeat not removed (%s)", self.name, error)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.HEARTBEAT_SECONDS):
                if self._supervisor is not None and os.getppid() != self._supervisor:
                    logger.error("%s: the server that started it is gone; stopping", self.name)
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                self._beat()
        finally:
            connection.close()

    def _beat(self) -> None:
        try:
            close_old_connections()
            beat(self.name, self.role, started_at=self.started_at)
        except DatabaseError as error:
            if not self._failing:
                logger.warning("%s: heartbeat not recorded (%s); trying again", self.name, error)
            self._failing = True
            discard_connections()
        else:
            if self._failing:
                logger.info("%s: heartbeat recorded again", self.name)
            self._failing = False
