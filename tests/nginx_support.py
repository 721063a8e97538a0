"""Debian's nginx in a test: its own configuration, logs and temporary files in a folder of the
test's, on a free loopback port, in the foreground; the system's nginx service is never used.
And the ASGI server as its own process, as ``chaperon serve`` starts it."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.serve_support import Process, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_for_port(port: int, what: str, alive: subprocess.Popen[str], log: str = "") -> None:
    deadline = time.monotonic() + 60
    while not answers(port):
        if alive.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} never listened on {port}:\n{log}")
        time.sleep(0.1)


def asgi_process(env: dict[str, str]) -> tuple[Process, int]:
    """uvicorn serving ``chaperon.asgi:application`` in a process of its own."""
    port = free_port()
    process = Process(
        [
            *(sys.executable, "-m", "uvicorn", "chaperon.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"),
            *("--ws", "websockets-sansio", "--log-level", "info"),
        ],
        env,
    )
    wait_for_port(port, "the ASGI server", process.process, process.output)
    return process, port


def nginx(folder: Path, http_block: str) -> tuple[Process, int]:
    """nginx with ``http_block`` inside its ``http {}``; ``{port}`` in it is the free port
    it listens on (127.0.0.1)."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: `make test` installs Debian's nginx")
    port = free_port()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers reach this folder
    config = folder / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    {http_block.replace("{port}", str(port))}
}}
"""
    )
    process = Process(
        [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
        dict(os.environ),
    )
    wait_for_port(port, "nginx", process.process, process.output)
    return process, port
