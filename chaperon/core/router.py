"""One port for everything in the embedded default: a small reverse proxy in front of
``chaperon serve``'s servers.

Ordinary HTTP goes to the WSGI server (gunicorn's sync workers) and WebSocket upgrades under
``/ws/`` to the ASGI server (uvicorn), taken in turn when there are several. The router reads
only the request's head: it rewrites the forwarding headers and asks the server to close the
connection after its answer, then copies bytes both ways until the server closes, so bodies
(uploads, downloads, a WebSocket's frames) stream through without being held.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from a peer in
``TRUSTED_PROXIES``; from anyone else they are replaced by the peer's own address and ``http``,
so the servers behind, which trust the router on loopback, are never told a made-up address.
In production nginx does all this instead (docs/deployment.md).
"""

import asyncio
import contextlib
import ipaddress
import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

logger = logging.getLogger("chaperon.serve")

HEAD_LIMIT = 64 * 1024  # a request head longer than this is refused (431)
HEAD_SECONDS = 30.0  # a client that sends no complete head in this time is dropped
CHUNK = 64 * 1024
# Headers the router writes itself: a client's own are dropped (or, from a trusted proxy, kept
# and extended).
FORWARDING = {b"x-forwarded-for", b"x-forwarded-proto", b"forwarded", b"x-real-ip"}


@dataclass(frozen=True)
class Backend:
    host: str
    port: int


@dataclass
class Head:
    request_line: bytes
    headers: list[tuple[bytes, bytes]]

    def get(self, name: bytes) -> bytes | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def path(self) -> bytes:
        parts = self.request_line.split(b" ")
        return parts[1] if len(parts) == 3 else b""

    @property
    def websocket(self) -> bool:
        upgrade = (self.get(b"upgrade") or b"").strip().lower()
        return upgrade == b"websocket" and self.path.startswith(b"/ws/")


def parse_head(raw: bytes) -> Head | None:
    """The request line and headers of ``raw`` (ending in a blank line), or None if malformed."""
    lines = raw.split(b"\r\n")
    request_line = lines[0]
    if len(request_line.split(b" ")) != 3:
        return None
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            return None
        headers.append((name, value.strip()))
    return Head(request_line, headers)


class Trust:
    """Which peers may tell us who the client is (``TRUSTED_PROXIES``)."""

    def __init__(self, networks: Sequence[str]) -> None:
        self.networks = [ipaddress.ip_network(name, strict=False) for name in networks]

    def __contains__(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.networks)


def forwarded_head(head: Head, peer: str, trust: Trust) -> bytes:
    """The head sent on: forwarding headers rewritten, and one request per connection to the
    server (a WebSocket keeps its ``Connection: Upgrade``)."""
    trusted = peer in trust
    forwarded_for = head.get(b"x-forwarded-for") if trusted else None
    proto = (head.get(b"x-forwarded-proto") if trusted else None) or b"http"
    chain = (forwarded_for + b", " if forwarded_for else b"") + peer.encode()
    websocket = head.websocket
    lines = [head.request_line]
    for name, value in head.headers:
        lowered = name.lower()
        if lowered in FORWARDING or (lowered == b"connection" and not websocket):
            continue
        lines.append(name + b": " + value)
    lines.append(b"X-Forwarded-For: " + chain)
    lines.append(b"X-Forwarded-Proto: " + proto)
    if not websocket:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def _refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, status: str) -> None:
    """Answer ``status`` and close, reading (a little of) what the client still sends first,
    so that the answer is not lost to a reset."""
    body = f"{status.split(' ', 1)[1]}.".encode()
    writer.write(
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
        + body
    )
    with contextlib.suppress(ConnectionError, OSError, TimeoutError):
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        async with asyncio.timeout(5):
            left = 1024 * 1024
            while left > 0 and (data := await reader.read(CHUNK)):
                left -= len(data)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()


class Router:
    def __init__(self, *, http: Backend, websocket: Sequence[Backend], trusted: Sequence[str]):
        self.http = http
        self.websockets: Iterator[Backend] = itertools.cycle(list(websocket) or [http])
        self.trust = Trust(trusted)

    async def serve(self, host: str, port: int) -> asyncio.Server:
        return await asyncio.start_server(self.handle, host, port, limit=HEAD_LIMIT, backlog=1024)

    async def handle(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        try:
            await self._handle(client_reader, client)
        finally:
            await _close(client)

    async def _handle(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        peer = str((client.get_extra_info("peername") or ("",))[0])
        try:
            raw = await asyncio.wait_for(client_reader.readuntil(b"\r\n\r\n"), HEAD_SECONDS)
        except asyncio.LimitOverrunError:
            await _refuse(client_reader, client, "431 Request Header Fields Too Large")
            return
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError, OSError):
            return
        head = parse_head(raw)
        if head is None:
            await _refuse(client_reader, client, "400 Bad Request")
            return
        backend = next(self.websockets) if head.websocket else self.http
        try:
            server_reader, server = await asyncio.open_connection(backend.host, backend.port)
        except OSError as error:
            logger.error("The server on port %s does not answer (%s)", backend.port, error)
            await _refuse(client_reader, client, "502 Bad Gateway")
            return
        try:
            server.write(forwarded_head(head, peer, self.trust))
            upstream = asyncio.create_task(_copy(client_reader, server))
            # The answer decides: once the server has closed, so does the client's connection.
            await _copy(server_reader, client)
            upstream.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await upstream
        finally:
            await _close(server)
