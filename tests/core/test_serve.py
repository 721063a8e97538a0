"""`make run` in a test: the real command, on a free port, with its own data directory."""

import contextlib
from pathlib import Path

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.serve_support import Server, free_port


def test_serve_runs_the_demo_with_its_worker_and_keeps_the_data(tmp_path: Path) -> None:
    port = free_port()
    server = Server(tmp_path, port)
    try:
        server.wait_for("Chaperon is running on")
        server.wait_for("Starting worker")
        server.wait_for("Scheduler started")
        assert '"database": "ok"' in server.get("/healthz")
        assert "Sign in" in server.get("/accounts/sign-in/")
        # One port: pages from the sync HTTP workers, the rooms' WebSockets from the ASGI
        # server behind the same address.
        server.wait_for('"GET /accounts/sign-in/ HTTP/1.1" 200')
        with (
            contextlib.suppress(WebSocketException),
            connect(
                f"ws://127.0.0.1:{port}/ws/rooms/999999/",
                origin=Origin(f"http://127.0.0.1:{port}"),
                open_timeout=30,
            ) as socket,
        ):
            socket.recv(timeout=30)
        server.wait_for('"WebSocket /ws/rooms/999999/"')
        assert "Started the HTTP server" in server.output
        assert "Started the WebSocket server 1" in server.output
    finally:
        assert server.stop() == 0
    assert "Larkspur Community School (loaded)" in server.output
    assert "dsl@larkspur.example" in server.output
    assert "larkspur-demo-password" in server.output
    assert (tmp_path / "chaperon.sqlite3").exists()
    # The demo's consent forms are kept with the rest of its data, not beside the code.
    assert list((tmp_path / "media").rglob("*.pdf"))

    again = Server(tmp_path, port)
    try:
        again.wait_for("Chaperon is running on")
    finally:
        again.stop()
    assert "already loaded, kept as it is" in again.output


def test_without_the_router_nginx_reaches_each_server_on_its_own_port(tmp_path: Path) -> None:
    http, ws = free_port(), free_port()
    server = Server(
        tmp_path,
        free_port(),
        demo=False,
        env={"TRUSTED_PROXIES": "127.0.0.1"},
        args=("--no-router", "--http-port", str(http), "--ws-port", str(ws)),
    )
    try:
        server.wait_for(
            f"Chaperon is running: HTTP on 127.0.0.1:{http}, WebSockets on 127.0.0.1:{ws}"
        )
        server.port = http
        # The proxy in front (trusted) says who the client is; the HTTP server logs it.
        assert "Sign in" in server.get("/accounts/sign-in/", {"X-Forwarded-For": "198.51.100.4"})
        server.wait_for('198.51.100.4 "GET /accounts/sign-in/ HTTP/1.1" 200')
        with (
            contextlib.suppress(WebSocketException),
            connect(
                f"ws://127.0.0.1:{ws}/ws/rooms/999999/",
                origin=Origin(f"http://127.0.0.1:{ws}"),
                open_timeout=30,
            ) as socket,
        ):
            socket.recv(timeout=30)
        server.wait_for('"WebSocket /ws/rooms/999999/"')
    finally:
        assert server.stop() == 0


def test_without_the_router_both_ports_must_be_named(tmp_path: Path) -> None:
    server = Server(tmp_path, free_port(), demo=False, args=("--no-router",))
    assert server.process.wait(timeout=120) != 0
    server.stop()
    assert "--no-router needs --http-port and --ws-port" in server.output
    assert "Started the" not in server.output
