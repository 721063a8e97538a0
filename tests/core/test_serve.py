"""`make run` in a test: the real command, on a free port, with its own data directory."""

from pathlib import Path

from tests.serve_support import Server, free_port


def test_serve_runs_the_demo_with_its_worker_and_keeps_the_data(tmp_path: Path) -> None:
    port = free_port()
    server = Server(tmp_path, port)
    try:
        server.wait_for("Uvicorn running")
        server.wait_for("Starting worker")
        server.wait_for("Scheduler started")
        assert '"database": "ok"' in server.get("/healthz")
        assert "Sign in" in server.get("/accounts/sign-in/")
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
        again.wait_for("Uvicorn running")
    finally:
        again.stop()
    assert "already loaded, kept as it is" in again.output
