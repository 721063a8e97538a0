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
