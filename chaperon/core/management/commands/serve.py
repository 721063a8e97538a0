import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from chaperon.core.env import env_list
from chaperon.core.supervisor import Supervisor


def _chaperon(command: str) -> list[str]:
    return [sys.executable, "-c", "from chaperon.cli import main; main()", command]


def trusted_proxies() -> list[str]:
    """The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: the
    ``TRUSTED_PROXIES`` setting (addresses or networks) if the settings define it, else the
    environment variable of that name; none by default, not even loopback."""
    configured = getattr(settings, "TRUSTED_PROXIES", None)
    if configured is None:
        configured = env_list("TRUSTED_PROXIES", [])
    return [str(item) for item in configured]


class Command(BaseCommand):
    help = (
        "Migrate, optionally load the demo, then run the web server, the task worker and the "
        "scheduler together until interrupted, starting the worker or the scheduler again "
        "whenever one stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--demo", action="store_true", help="load the demo school first")

    def handle(self, *args: Any, host: str, port: int, demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            call_command("load_demo")
        supervisor = Supervisor(
            {"task worker": _chaperon("run_worker"), "scheduler": _chaperon("run_scheduler")},
            restart=settings.SERVE_RESTART,
            max_wait=settings.SERVE_RESTART_MAX_SECONDS,
        )
        supervisor.start()
        self.stdout.write(f"Chaperon is running on http://{host}:{port}/  (Ctrl-C stops it)")
        self.stdout.flush()
        proxies = trusted_proxies()
        try:
            uvicorn.run(
                "chaperon.asgi:application",
                host=host,
                port=port,
                lifespan="off",
                log_level="info",
                ws="websockets-sansio",  # the live rooms' WebSockets
                proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies,
            )
        finally:
            supervisor.stop()
