"""`make run` in a test: the real command, on a free port, with its own data directory."""

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPERON = ROOT / ".venv" / "bin" / "chaperon"


class Server:
    """``chaperon serve --demo`` in the background, its output collected as it comes."""

    def __init__(self, var_dir: Path, port: int) -> None:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("DJANGO_") and key != "DATABASE_URL"
        }
        environment["CHAPERON_VAR_DIR"] = str(var_dir)
        self.port = port
        self.lines: list[str] = []
        self.process = subprocess.Popen(  # noqa: S603
            [str(CHAPERON), "serve", "--demo", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.output:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"never printed {text!r}:\n{self.output}")
            time.sleep(0.2)

    def get(self, path: str) -> str:
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=5) as reply:
            return str(reply.read().decode())

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return code


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_runs_the_demo_with_its_worker_and_keeps_the_data(tmp_path: Path) -> None:
    port = _free_port()
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
