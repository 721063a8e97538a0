import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chaperon.core.scheduling import enqueue_due, registered


class Command(BaseCommand):
    help = "Put periodic tasks on the queue when they are due (runs until interrupted)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and stop")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        names = ", ".join(periodic.name for periodic in registered()) or "none"
        self.stdout.write(f"Scheduler started; periodic tasks: {names}")
        while True:
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
