"""``chaperon serve`` in a test: the real command, on a free port, with its own data directory
(and, if given, its own database), its output collected as it comes."""

import asyncio
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPERON = ROOT / ".venv" / "bin" / "chaperon"
REFERENCE = re.compile(r"SG-\d{4}-\d{4}")
DEMO_SLUG = "larkspur-demo"
DEMO_DSL = "dsl@larkspur.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until[T](
    condition: Callable[[], T | None], what: str, *, seconds: float = 120, every: float = 0.2
) -> T:
    """Poll ``condition`` until it gives something true; fail the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(every)


def smtp_environment(port: int) -> dict[str, str]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }


def postgres_url() -> str:
    """The test run's PostgreSQL URL; the test is skipped on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    return url


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@contextmanager
def own_postgres_database(suffix: str) -> Iterator[tuple[str, psycopg.Connection[Any]]]:
    """A database of its own for a server (named after the test run's, plus ``suffix``), and a
    connection to the server's ``postgres`` database to act on it."""
    url = postgres_url()
    name = urllib.parse.urlsplit(url).path.lstrip("/") + suffix
    admin = psycopg.connect(with_database(url, "postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name), admin
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run_async[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own: once a browser test has started Playwright, its
    event loop runs on the main thread for the rest of the test session, and ``asyncio.run``
    refuses to start another there."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Process:
    """A child process in a session of its own, its output collected as it comes."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter, or Debian's nginx)
            command,
            cwd=ROOT,
            env=env,
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

    def stop(self, how: signal.Signals = signal.SIGTERM, *, timeout: float = 20) -> int:
        """Ask it to stop (``how``), and kill its whole session if it has not within
        ``timeout`` seconds; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(how)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return code


class Server(Process):
    """``chaperon serve`` in the background. ``env`` is added to a clean environment (no
    DJANGO_* or DATABASE_URL of the test run's own)."""

    def __init__(
        self,
        var_dir: Path,
        port: int,
        *,
        demo: bool = True,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("DJANGO_") and key != "DATABASE_URL"
        }
        environment["CHAPERON_VAR_DIR"] = str(var_dir)
        environment.update(env or {})
        self.port = port
        command = [str(CHAPERON), "serve", "--port", str(port), *(["--demo"] if demo else [])]
        super().__init__([*command, *args], environment)

    def wait_for(self, text: str, seconds: float = 120, *, count: int = 1) -> None:
        deadline = time.monotonic() + seconds
        while self.output.count(text) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"never printed {text!r} ({count} times):\n{self.output}")
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> str:
        request = urllib.request.Request(self.url(path), headers=headers or {})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
            return str(reply.read().decode())

    def health(self) -> tuple[int, dict[str, object]]:
        try:
            with urllib.request.urlopen(self.url("/healthz"), timeout=10) as reply:  # noqa: S310
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def child_pid(self, label: str) -> int:
        """The pid of the latest ``label`` ("task worker", "scheduler") the server started."""
        found = re.findall(rf"Started the {label} \(pid (\d+)\)", self.output)
        if not found:
            pytest.fail(f"the server never said it started the {label}:\n{self.output}")
        return int(found[-1])

    def report_concern(self, description: str) -> str:
        """Report a worry on the demo school's public page, as a parent does; the reference."""
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page_url = self.url(f"/report/{DEMO_SLUG}/")
        page = opener.open(page_url, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, page
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "reporter_name": "Avery Test",
                "reporter_relation": "parent",
                "kind": "concern",
                "category": "contact",
                "types": "grooming",
                "description": description,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            page_url, data=body, headers={"Referer": page_url}
        )
        answer = opener.open(request, timeout=30).read().decode()
        reference = REFERENCE.search(answer)
        assert reference is not None, answer
        return reference.group(0)

    def kill_child(self, label: str) -> int:
        pid = self.child_pid(label)
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self, how: signal.Signals = signal.SIGINT, *, timeout: float = 60) -> int:
        """Ctrl-C, as an operator stops it, and time to stop its children."""
        return super().stop(how, timeout=timeout)
