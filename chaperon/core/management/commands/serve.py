import subprocess
import sys
from typing import Any

import uvicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Migrate, optionally load the demo, then run the web server, the task worker and the "
        "scheduler together until interrupted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--demo", action="store_true", help="load the demo school first")

    def handle(self, *args: Any, host: str, port: int, demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            call_command("load_demo")
        helpers = [
            subprocess.Popen(  # noqa: S603 (our own interpreter and command)
                [sys.executable, "-c", "from chaperon.cli import main; main()", command]
            )
            for command in ("db_worker", "run_scheduler")
        ]
        self.stdout.write(f"Chaperon is running on http://{host}:{port}/  (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            uvicorn.run(
                "chaperon.asgi:application",
                host=host,
                port=port,
                lifespan="off",
                log_level="info",
                ws="websockets-sansio",  # the live rooms' WebSockets
            )
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()
