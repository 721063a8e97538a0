"""Under PostgreSQL every process of ``chaperon serve`` takes its connections from a pool of
``DATABASE_POOL_SIZE`` and gives them back after each request: sequential and concurrent
requests (pages, and WebSocket handshakes that read the session on the ASGI server's threads)
never leave more open than the pools hold, counted by PostgreSQL itself."""

import asyncio
import threading
import urllib.error
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException
from websockets.typing import Origin

from tests.serve_support import Server, free_port, own_postgres_database, run_async, wait_until

pytestmark = pytest.mark.postgres

POOL_SIZE = 1
HTTP_WORKERS = 2
# The processes that use the database: the HTTP workers, the ASGI server, the task worker and
# the scheduler (gunicorn's own master process and the router never connect).
PROCESSES = HTTP_WORKERS + 1 + 2
MOST = POOL_SIZE * PROCESSES


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, psycopg.Connection[Any], str]]:
    with own_postgres_database("_pool") as (url, admin):
        env = {
            "DATABASE_URL": url,
            "DATABASE_POOL_SIZE": str(POOL_SIZE),
            "SERVE_HTTP_WORKERS": str(HTTP_WORKERS),
            "SERVE_WS_PROCESSES": "1",
        }
        server = Server(tmp_path, free_port(), demo=False, env=env)
        try:
            server.wait_for("Chaperon is running on")
            yield server, admin, urlsplit(url).path.lstrip("/")
        finally:
            assert server.stop() == 0


def _open(admin: psycopg.Connection[Any], name: str) -> int:
    row = admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
    ).fetchone()
    assert row is not None
    return int(row[0])


class Watch:
    """The most connections open at once while it runs, sampled from another thread."""

    def __init__(self, admin: psycopg.Connection[Any], name: str) -> None:
        self.admin, self.name, self.most = admin, name, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.most = max(self.most, _open(self.admin, self.name))
            self._stop.wait(0.02)

    def __enter__(self) -> "Watch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.most = max(self.most, _open(self.admin, self.name))


def _page(server: Server, path: str) -> int:
    try:
        server.get(path)
        return 200
    except urllib.error.HTTPError as error:
        return error.code


async def _handshakes(port: int, count: int) -> None:
    async def one(number: int) -> None:
        headers = {"Cookie": f"sessionid=no-such-session-{number}"}
        try:
            async with connect(
                f"ws://127.0.0.1:{port}/ws/rooms/{number}/",
                origin=Origin(f"http://127.0.0.1:{port}"),
                additional_headers=headers,
                open_timeout=60,
            ) as socket:
                await socket.recv()
        except (WebSocketException, OSError):
            pass  # refused or closed: what counts is that the server looked the session up

    await asyncio.gather(*(one(number) for number in range(count)))


def test_sequential_and_concurrent_requests_leave_no_more_connections_than_the_pools(
    served: tuple[Server, psycopg.Connection[Any], str],
) -> None:
    server, admin, name = served
    # Once the worker and the scheduler have beaten, every answer is 200: a connection not
    # given back would leave the next request waiting for the pool, then 503.
    wait_until(lambda: server.health()[0] == 200, "/healthz to say 200")
    with Watch(admin, name) as sequential:
        statuses = [_page(server, path) for path in ["/healthz", "/accounts/sign-in/"] * 25]
    assert set(statuses) == {200}
    assert sequential.most <= MOST, sequential.most

    paths = ["/healthz", "/accounts/sign-in/", "/report/no-such-school/", "/"] * 50
    with Watch(admin, name) as concurrent:
        with ThreadPoolExecutor(max_workers=len(paths)) as pool:
            statuses = list(pool.map(lambda path: _page(server, path), paths))
        run_async(_handshakes(server.port, 100))
    assert len(statuses) == 200 and 500 not in statuses
    assert concurrent.most <= MOST, concurrent.most
    # The WebSocket handshakes were served, each reading its session on a thread of its own.
    assert server.output.count('"WebSocket /ws/rooms/') >= 100
    assert _open(admin, name) <= MOST
