"""A TURN server of the test's own: Debian's coturn (``make coturn``) on a free loopback port,
with the TURN REST shared secret, relaying only on loopback; stopped when the test ends."""

import os
import secrets
import shutil
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.serve_support import Process, free_port

TURNSERVER = os.environ.get("TURNSERVER", "/usr/bin/turnserver")
REALM = "chaperon.test"
STUN_MAGIC = 0x2112A442


@dataclass(frozen=True)
class TurnServer:
    port: int
    secret: str
    process: Process
    log: Path

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    @property
    def urls(self) -> list[str]:
        return [f"turn:127.0.0.1:{self.port}?transport=udp"]


def answers_stun(port: int) -> bool:
    """Whether a STUN binding request to ``port`` on loopback (UDP) gets its success answer."""
    transaction = secrets.token_bytes(12)
    request = struct.pack("!HHI", 0x0001, 0, STUN_MAGIC) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.5)
        try:
            probe.sendto(request, ("127.0.0.1", port))
            answer = probe.recv(2048)
        except OSError:
            return False
    return answer[:2] == b"\x01\x01" and answer[8:20] == transaction


def start_turnserver(directory: Path) -> TurnServer:
    if shutil.which(TURNSERVER) is None:
        pytest.fail(f"{TURNSERVER} is missing: `make coturn` installs Debian's coturn")
    port, secret = free_port(), secrets.token_urlsafe(24)
    command = [
        TURNSERVER,
        "-n",  # no configuration file: everything is on this line
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        f"--listening-port={port}",
        "--use-auth-secret",
        f"--static-auth-secret={secret}",
        f"--realm={REALM}",
        "--fingerprint",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--allow-loopback-peers",  # both ends of the test's calls are on 127.0.0.1
        "--no-multicast-peers",
        f"--userdb={directory / 'turndb'}",
        f"--pidfile={directory / 'turnserver.pid'}",
        f"--log-file={directory / 'turnserver.log'}",
        "--simple-log",  # that very file, no date added to its name
        "--verbose",  # each allocation with its username
    ]
    process = Process(command, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    deadline = time.monotonic() + 20
    while not answers_stun(port):
        if process.process.poll() is not None or time.monotonic() > deadline:
            process.stop()
            pytest.fail(f"turnserver did not start on port {port}:\n{process.output}")
        time.sleep(0.1)
    return TurnServer(port, secret, process, directory / "turnserver.log")


@pytest.fixture
def turn_server(tmp_path: Path) -> Iterator[TurnServer]:
    server = start_turnserver(tmp_path)
    try:
        yield server
    finally:
        server.process.stop()
