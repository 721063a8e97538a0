"""The router of ``chaperon serve``: one port, HTTP to the WSGI server and WebSocket upgrades
under /ws/ to the ASGI servers, bodies streamed both ways, forwarding headers believed only
from trusted proxies. Its servers here are small fakes that record what reached them."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from chaperon.core.router import Backend, Router, parse_head
from tests.serve_support import free_port, run_async

LIVENESS = 20  # seconds before a stuck exchange fails the test (never reached when it works)


@dataclass
class Fake:
    """A server behind the router: it keeps each request's head, then runs ``answer``."""

    name: str
    answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
    heads: list[dict[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    port: int = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = parse_head(await reader.readuntil(b"\r\n\r\n"))
        assert head is not None
        self.lines.append(head.request_line.decode())
        self.heads.append({k.decode().lower(): v.decode() for k, v in head.headers})
        await self.answer(reader, writer)
        writer.close()


async def _hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello")
    await writer.drain()


async def _echo_upgrade(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n")
    while data := await reader.read(1024):
        writer.write(b"echo:" + data)
        await writer.drain()


async def _request(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    answer = await reader.read()
    writer.close()
    return answer


def _run(scenario: Callable[..., Awaitable[None]], *, trusted: tuple[str, ...] = ()) -> None:
    async def main() -> None:
        http = Fake("http", _hello)
        sockets = [Fake("ws-1", _echo_upgrade), Fake("ws-2", _echo_upgrade)]
        servers = [await fake.start() for fake in (http, *sockets)]
        router = Router(
            http=Backend("127.0.0.1", http.port),
            websocket=[Backend("127.0.0.1", fake.port) for fake in sockets],
            trusted=list(trusted),
        )
        port = free_port()
        front = await router.serve("127.0.0.1", port)
        try:
            await asyncio.wait_for(scenario(port, http, sockets), LIVENESS)
        finally:
            for server in (front, *servers):
                server.close()

    run_async(main())


def test_http_goes_to_the_wsgi_server_with_the_client_address_it_connected_from() -> None:
    async def scenario(port: int, http: Fake, sockets: list[Fake]) -> None:
        answer = await _request(
            port,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\n"
            b"X-Forwarded-Proto: https\r\nConnection: keep-alive\r\n\r\n",
        )
        assert answer.endswith(b"\r\n\r\nhello")
        assert http.lines == ["GET /healthz HTTP/1.1"]
        head = http.heads[0]
        # Nobody trusted: what the client claimed is replaced by what the router saw.
        assert head["x-forwarded-for"] == "127.0.0.1"
        assert head["x-forwarded-proto"] == "http"
        assert head["connection"] == "close"
        assert head["host"] == "x"
        assert all(not fake.heads for fake in sockets)

    _run(scenario)


def test_a_trusted_proxy_keeps_its_forwarded_chain_and_scheme() -> None:
    async def scenario(port: int, http: Fake, sockets: list[Fake]) -> None:
        await _request(
            port,
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\n"
            b"X-Forwarded-Proto: https\r\n\r\n",
        )
        assert http.heads[0]["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
        assert http.heads[0]["x-forwarded-proto"] == "https"

    _run(scenario, trusted=("127.0.0.0/8",))


def test_websocket_upgrades_under_ws_go_to_the_asgi_servers_in_turn_and_flow_both_ways() -> None:
    async def scenario(port: int, http: Fake, sockets: list[Fake]) -> None:
        upgrade = (
            b"GET /ws/rooms/7/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
            b"Upgrade: websocket\r\n\r\n"
        )
        for expected in (sockets[0], sockets[1], sockets[0]):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(upgrade)
            assert b"101" in await reader.readuntil(b"\r\n\r\n")
            writer.write(b"frame")
            assert await reader.readexactly(10) == b"echo:frame"
            writer.close()
            assert expected.heads[-1]["connection"] == "Upgrade"
        assert [len(fake.heads) for fake in sockets] == [2, 1]
        # A plain request under /ws/ (no upgrade) and an upgrade elsewhere are ordinary HTTP.
        await _request(port, b"GET /ws/rooms/7/ HTTP/1.1\r\nHost: x\r\n\r\n")
        await _request(port, b"GET /rooms/7/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n")
        assert len(http.heads) == 2

    _run(scenario)


def test_request_bodies_stream_through_before_they_end() -> None:
    first_part_arrived = asyncio.Event()
    received: list[int] = []

    async def upload(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        total = 0
        while total < 3 * 1024 * 1024:
            chunk = await reader.read(65536)
            if not chunk:
                break
            total += len(chunk)
            first_part_arrived.set()
        received.append(total)
        # The answer streams back in pieces too.
        writer.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
        for _ in range(16):
            writer.write(b"x" * 65536)
            await writer.drain()

    async def scenario(port: int, http: Fake, sockets: list[Fake]) -> None:
        http.answer = upload
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /concerns/upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3145728\r\n\r\n"
        )
        writer.write(b"a" * 1024 * 1024)
        await writer.drain()
        # The server has the first megabyte while the client still holds the other two.
        await first_part_arrived.wait()
        writer.write(b"b" * 2 * 1024 * 1024)
        await writer.drain()
        answer = await reader.read()
        assert received == [3 * 1024 * 1024]
        assert answer.count(b"x") == 16 * 65536
        writer.close()

    _run(scenario)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"NONSENSE\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n", b"431"),
    ],
)
def test_a_bad_head_is_refused_without_reaching_a_server(raw: bytes, status: bytes) -> None:
    async def scenario(port: int, http: Fake, sockets: list[Fake]) -> None:
        answer = await _request(port, raw)
        assert answer.startswith(b"HTTP/1.1 " + status)
        assert http.heads == [] and all(not fake.heads for fake in sockets)

    _run(scenario)


def test_a_server_that_does_not_answer_gives_502() -> None:
    async def main() -> None:
        router = Router(http=Backend("127.0.0.1", free_port()), websocket=[], trusted=[])
        port = free_port()
        front = await router.serve("127.0.0.1", port)
        try:
            answer = await asyncio.wait_for(
                _request(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), LIVENESS
            )
        finally:
            front.close()
        assert answer.startswith(b"HTTP/1.1 502")

    run_async(main())
