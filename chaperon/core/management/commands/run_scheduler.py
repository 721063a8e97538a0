import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from chaperon.core.heartbeats import HeartbeatThread, forget_old, lease, new_process_name
from chaperon.core.leases import take_up_abandoned_work
from chaperon.core.models import ProcessRole
from chaperon.core.resilience import RECOVERABLE, Backoff, discard_connections
from chaperon.core.scheduling import enqueue_due, registered

logger = logging.getLogger("chaperon.scheduler")


class Command(BaseCommand):
    help = (
        "Put periodic tasks on the queue when they are due, and take up work left by a task "
        "worker that died (runs until interrupted; rides out a database that is locked or gone)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and stop")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between checks (default: SCHEDULER_INTERVAL_SECONDS)",
        )

    def handle(self, *args: Any, once: bool, interval: float | None, **options: Any) -> None:
        every = settings.SCHEDULER_INTERVAL_SECONDS if interval is None else interval
        heartbeat = (
            None if once else HeartbeatThread(new_process_name("scheduler"), ProcessRole.SCHEDULER)
        )
        if heartbeat is not None:
            heartbeat.start()
        names = ", ".join(periodic.name for periodic in registered()) or "none"
        self.stdout.write(f"Scheduler started; periodic tasks: {names}")
        self.stdout.flush()
        try:
            self._run(once=once, every=every)
        finally:
            if heartbeat is not None:
                heartbeat.stop()

    def _run(self, *, once: bool, every: float) -> None:
        backoff = Backoff()
        # After an outage, workers get a whole lease to beat again before their work is taken.
        trusted_from = time.monotonic() - lease().total_seconds()
        while True:
            try:
                self._look(take_up=time.monotonic() - trusted_from >= lease().total_seconds())
            except RECOVERABLE as error:
                wait = backoff.next_wait()
                if backoff.failures == 1:
                    logger.warning(
                        "The database does not answer (%s: %s); the scheduler tries again",
                        type(error).__name__,
                        str(error).strip(),
                    )
                discard_connections()
                time.sleep(wait)
                continue
            if backoff.reset():
                logger.warning("The database answers again; the scheduler goes on")
                trusted_from = time.monotonic()
            if once:
                return
            time.sleep(every)

    def _look(self, *, take_up: bool) -> None:
        close_old_connections()
        for name in enqueue_due():
            self.stdout.write(f"enqueued {name}")
            self.stdout.flush()
        if take_up:
            now = timezone.now()
            take_up_abandoned_work(now=now)
            forget_old(now=now)
