import asyncio
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from chaperon.core.env import env_list
from chaperon.core.janus_config import (
    DEFAULT_RTP_PORTS,
    janus_binary,
    janus_command,
    janus_urls,
    kept_secret,
    write_janus_config,
)
from chaperon.core.router import Backend, Router
from chaperon.core.supervisor import Supervisor

# The router reaches the servers behind it on loopback; they believe what it forwards.
ROUTER_ADDRESS = "127.0.0.1"
# One line per request: the client's address as forwarded, the request line, status and size.
ACCESS_LOG_FORMAT = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s'


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


# The ports handed out by this command: its servers bind them only once started, so a port
# free now could otherwise be handed out twice (Janus's three and the servers' own).
_handed_out: set[int] = set()


def free_port(host: str) -> int:
    """A port free on ``host`` now that this command has not handed out already."""
    while True:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = int(probe.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def http_server(host: str, port: int, *, workers: int, trusted: list[str]) -> list[str]:
    """gunicorn with sync worker processes: every page, the API and /healthz."""
    return [
        *(sys.executable, "-m", "gunicorn", "chaperon.wsgi:application"),
        *("--bind", f"{host}:{port}", "--workers", str(workers), "--worker-class", "sync"),
        *("--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT),
        *("--forwarded-allow-ips", ",".join(trusted) or "none"),
        *("--graceful-timeout", "10", "--timeout", "60"),
        # Django is set up once, before the workers are forked: they start (and start again)
        # at once and share its memory. Nothing connects to the database before the fork.
        "--preload",
    ]


def websocket_server(host: str, port: int, *, trusted: list[str]) -> list[str]:
    """uvicorn serving the ASGI application: the live rooms' WebSockets."""
    proxies = ["--proxy-headers", "--forwarded-allow-ips", ",".join(trusted)] if trusted else []
    return [
        *(sys.executable, "-m", "uvicorn", "chaperon.asgi:application"),
        *("--host", host, "--port", str(port), "--lifespan", "off"),
        *("--ws", "websockets-sansio", "--log-level", "info", *proxies),
    ]


JANUS_LABEL = "Janus SFU"


@dataclass(frozen=True)
class OwnJanus:
    command: list[str]
    env: dict[str, str]  # the ROOM_SFU_* settings that reach it (its secrets as _FILE paths)


def own_janus(var_dir: Path) -> OwnJanus | None:
    """A Janus for the rooms, when Debian's janus is installed and no SFU is configured
    (``ROOM_SFU_HTTP_URL`` unset): its configuration under ``var_dir``/janus, with its admin
    secret and VideoRoom admin key kept in files there (made once, mode 0600), its APIs on free
    loopback ports. Janus never offers loopback candidates: its media goes by the machine's
    own addresses, even for browsers on the same machine."""
    if settings.ROOM_SFU_HTTP_URL:
        return None
    binary = janus_binary()
    if binary is None:
        return None
    folder = var_dir / "janus"
    secret_file, key_file = folder / "admin_secret", folder / "room_admin_key"
    loopback = "127.0.0.1"
    http_port, admin_port, ws_port = (free_port(loopback) for _ in range(3))
    config = write_janus_config(
        folder,
        http_port=http_port,
        admin_port=admin_port,
        ws_port=ws_port,
        rtp_ports=DEFAULT_RTP_PORTS,
        admin_secret=kept_secret(secret_file),
        room_admin_key=kept_secret(key_file),
        debug_level=3,  # warnings and errors, to janus.log there
    )
    env = {
        **janus_urls(http_port=http_port, admin_port=admin_port, ws_port=ws_port),
        "ROOM_SFU_ADMIN_SECRET_FILE": str(secret_file),
        "ROOM_SFU_ROOM_ADMIN_KEY_FILE": str(key_file),
    }
    return OwnJanus(janus_command(config, binary=binary), env)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = (
        "Migrate, optionally load the demo, then run Chaperon until interrupted: ordinary HTTP "
        "from gunicorn's sync workers, WebSockets from uvicorn, a router giving both one port, "
        "the task worker and the scheduler (and Janus, the rooms' SFU, when Debian's janus is "
        "installed and ROOM_SFU_HTTP_URL unset), each started again whenever it stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="the one port (the router)")
        parser.add_argument("--demo", action="store_true", help="load the demo school first")
        parser.add_argument(
            "--no-router",
            dest="router",
            action="store_false",
            help="no router: a proxy in front (nginx) reaches the HTTP and WebSocket servers",
        )
        parser.add_argument(
            "--http-port", type=int, default=0, help="gunicorn's port (default: any free one)"
        )
        parser.add_argument(
            "--ws-port",
            type=int,
            default=0,
            help="the first uvicorn's port; the others follow it (default: any free ones)",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        demo: bool,
        router: bool,
        http_port: int,
        ws_port: int,
        **options: Any,
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            call_command("load_demo")
        # This process serves nothing itself: its connections (and pool) go before it waits.
        for connection in connections.all():
            connection.close()
            if hasattr(connection, "close_pool"):
                connection.close_pool()
        inner = ROUTER_ADDRESS if router else host
        if not router and not (http_port and ws_port):
            raise CommandError("--no-router needs --http-port and --ws-port")
        http = Backend(inner, http_port or free_port(inner))
        count = settings.SERVE_WS_PROCESSES
        websockets = [
            Backend(inner, ws_port + number if ws_port else free_port(inner))
            for number in range(count)
        ]
        trusted = trusted_proxies() + ([ROUTER_ADDRESS] if router else [])
        children = {
            "HTTP server": http_server(
                http.host, http.port, workers=settings.SERVE_HTTP_WORKERS, trusted=trusted
            ),
            **{
                f"WebSocket server {number + 1}": websocket_server(
                    backend.host, backend.port, trusted=trusted
                )
                for number, backend in enumerate(websockets)
            },
            "task worker": _chaperon("run_worker"),
            "scheduler": _chaperon("run_scheduler"),
        }
        # Behind the router the servers believe its forwarded client address (it writes it
        # itself), so limits per address still count each client apart.
        env = {"TRUSTED_PROXIES": ",".join(trusted)}
        janus = own_janus(Path(settings.VAR_DIR))
        if janus is not None:
            children[JANUS_LABEL] = janus.command
            env.update(janus.env)  # the servers, the worker and the scheduler all reach it
            self.stdout.write(
                f"Rooms use Janus as their SFU: its API on {janus.env['ROOM_SFU_HTTP_URL']}"
            )
        supervisor = Supervisor(
            children,
            restart=settings.SERVE_RESTART,
            max_wait=settings.SERVE_RESTART_MAX_SECONDS,
            env=env,
        )
        supervisor.start()
        try:
            self._wait_for([http, *websockets])
            if router:
                asyncio.run(self._route(host, port, http, websockets, trusted_proxies()))
            else:
                self._announce(
                    f"Chaperon is running: HTTP on {http.host}:{http.port}, WebSockets on "
                    + ", ".join(f"{b.host}:{b.port}" for b in websockets)
                )
                self._wait_for_signal()
        except KeyboardInterrupt:
            pass
        finally:
            supervisor.stop()

    def _announce(self, text: str) -> None:
        self.stdout.write(f"{text}  (Ctrl-C stops it)")
        self.stdout.flush()

    def _wait_for(self, backends: list[Backend]) -> None:
        deadline = time.monotonic() + 120
        for backend in backends:
            while not _answers(backend.host, backend.port):
                if time.monotonic() > deadline:
                    raise CommandError(f"nothing answers on {backend.host}:{backend.port}")
                time.sleep(0.1)

    def _wait_for_signal(self) -> None:
        stopping = asyncio.Event()

        async def wait() -> None:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, stopping.set)
            await stopping.wait()

        asyncio.run(wait())

    async def _route(
        self, host: str, port: int, http: Backend, websockets: list[Backend], trusted: list[str]
    ) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stopping.set)
        server = await Router(http=http, websocket=websockets, trusted=trusted).serve(host, port)
        self._announce(f"Chaperon is running on http://{host}:{port}/")
        await stopping.wait()
        # Open connections (a WebSocket may stay for hours) are cut as the loop ends.
        server.close()
