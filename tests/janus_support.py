"""A Janus of the test's own: Debian's janus (``make janus``) from a configuration folder of its
own (``chaperon.core.janus_config``, as ``chaperon serve`` writes it): the VideoRoom plugin
only, in a network namespace of its own joined to the test's by a veth pair (Janus never
gathers ICE candidates on loopback, and nothing may touch the machine's own interfaces), its
HTTP, Admin and WebSocket APIs and its media on its end of that pair alone, a small RTP port
range, a random admin secret and VideoRoom admin key; stopped, and its namespace deleted, when
the test ends. Browsers in a test keep only candidates of their end of the pair
(``JanusServer.browser_address`` as ``ROOM_ICE_ONLY_ADDRESS``).

``JanusClient`` speaks Janus's public HTTP API as anyone who reached it would: a session, a
handle attached to the VideoRoom plugin, messages and their events."""

import json
import os
import random
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from chaperon.core.janus_config import janus_binary, janus_command, janus_urls, write_janus_config
from chaperon.rooms.janus import SfuConfig
from tests.serve_support import Process, free_port


@dataclass(frozen=True)
class JanusServer:
    config: SfuConfig
    process: Process
    log: Path
    # The address of the browsers' end of Janus's network (``ROOM_ICE_ONLY_ADDRESS``).
    browser_address: str = ""
    namespace: str = ""

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        self.process.stop(timeout=10)
        if self.namespace:
            _ip("netns", "del", self.namespace)


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)  # noqa: S603, S607


@dataclass(frozen=True)
class Network:
    """A network namespace of Janus's own, joined to this one by a veth pair: Janus never
    gathers ICE candidates on loopback, and media must not touch the machine's interfaces, so
    Janus and the browsers meet on this pair alone (a /30 of 10.0.0.0/8, picked at random)."""

    namespace: str
    janus_interface: str
    janus_address: str
    browser_address: str


def own_network() -> Network:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("Janus's network of its own needs root and iproute2 (as CI has)")
    tag = secrets.token_hex(3)
    namespace, outside, inside = f"chj-{tag}", f"chj{tag}o", f"chj{tag}i"
    base = f"10.{random.randrange(200, 255)}.{random.randrange(256)}.{random.randrange(0, 252, 4)}"
    prefix = base.rsplit(".", 1)[0]
    last = int(base.rsplit(".", 1)[1])
    browser, janus = f"{prefix}.{last + 1}", f"{prefix}.{last + 2}"
    _ip("netns", "add", namespace)
    try:
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", namespace)
        _ip("addr", "add", f"{browser}/30", "dev", outside)
        _ip("link", "set", outside, "up")
        _ip("-n", namespace, "addr", "add", f"{janus}/30", "dev", inside)
        _ip("-n", namespace, "link", "set", inside, "up")
        _ip("-n", namespace, "link", "set", "lo", "up")
    except subprocess.CalledProcessError:
        _ip("netns", "del", namespace)
        raise
    return Network(namespace, inside, janus, browser)


def post_json(url: str, body: dict[str, Any], *, timeout: float = 10) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (a loopback URL of the test's own)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
        return dict(json.loads(reply.read()))


def answers_info(http_url: str) -> bool:
    try:
        answer = post_json(http_url, {"janus": "info", "transaction": "ready"}, timeout=1)
    except (OSError, ValueError):
        return False
    return answer.get("janus") == "server_info"


def rtp_ports() -> tuple[int, int]:
    """A small range of its own (Janus takes the next free port in it if one is taken)."""
    low = random.randrange(30000, 39000, 100)
    return low, low + 99


def start_janus(directory: Path, *, seconds: float = 30) -> JanusServer:
    binary = janus_binary()
    if binary is None:
        pytest.fail("janus is missing: `make janus` installs Debian's janus")
    network = own_network()
    try:
        return _start_janus(directory, binary, network, seconds=seconds)
    except BaseException:
        _ip("netns", "del", network.namespace)
        raise


def _start_janus(directory: Path, binary: str, network: Network, *, seconds: float) -> JanusServer:
    http_port, admin_port, ws_port = free_port(), free_port(), free_port()
    admin_secret, room_admin_key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    folder = directory / "janus"
    config_file = write_janus_config(
        folder,
        http_port=http_port,
        admin_port=admin_port,
        ws_port=ws_port,
        rtp_ports=rtp_ports(),
        admin_secret=admin_secret,
        room_admin_key=room_admin_key,
        enforce_interface=network.janus_interface,
        api_address=network.janus_address,
    )
    urls = janus_urls(
        http_port=http_port, admin_port=admin_port, ws_port=ws_port, address=network.janus_address
    )
    config = SfuConfig.at(urls, admin_secret=admin_secret, room_admin_key=room_admin_key)
    command = ["ip", "netns", "exec", network.namespace, *janus_command(config_file, binary=binary)]
    process = Process(command, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    log = folder / "janus.log"
    deadline = time.monotonic() + seconds
    while not answers_info(config.http_url):
        if process.process.poll() is not None or time.monotonic() > deadline:
            process.stop(timeout=10)
            text = log.read_text() if log.exists() else ""
            pytest.fail(f"janus did not answer on {config.http_url}:\n{process.output}\n{text}")
        time.sleep(0.1)
    return JanusServer(config, process, log, network.browser_address, network.namespace)


@pytest.fixture
def janus_server(tmp_path: Path) -> Iterator[JanusServer]:
    server = start_janus(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shared_janus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JanusServer]:
    """One Janus for the tests that each make rooms of their own (a fresh room id each)."""
    server = start_janus(tmp_path_factory.mktemp("janus"))
    try:
        yield server
    finally:
        server.stop()


def new_room_id() -> int:
    return random.randrange(10**6, 10**12)


@dataclass
class JanusClient:
    """A session and a handle on the VideoRoom plugin, through the public HTTP API."""

    http_url: str
    session_id: int = 0
    handle_id: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)

    def _call(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        return post_json(url, {**body, "transaction": secrets.token_hex(6)})

    def attach(self) -> "JanusClient":
        created = self._call(self.http_url, {"janus": "create"})
        assert created["janus"] == "success", created
        self.session_id = int(created["data"]["id"])
        attached = self._call(
            f"{self.http_url}/{self.session_id}",
            {"janus": "attach", "plugin": "janus.plugin.videoroom"},
        )
        assert attached["janus"] == "success", attached
        self.handle_id = int(attached["data"]["id"])
        return self

    def message(self, body: dict[str, Any], jsep: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send ``body`` to the plugin; the plugin's data in its answer (an event, for the
        asynchronous requests such as ``join``)."""
        transaction = secrets.token_hex(6)
        request: dict[str, Any] = {"janus": "message", "body": body, "transaction": transaction}
        if jsep is not None:
            request["jsep"] = jsep
        answer = post_json(f"{self.http_url}/{self.session_id}/{self.handle_id}", request)
        if answer["janus"] == "success":
            return dict(answer["plugindata"]["data"])
        assert answer["janus"] == "ack", answer
        event = self.wait_for(lambda e: e.get("transaction") == transaction)
        return dict(event["plugindata"]["data"], jsep=event.get("jsep"))

    def wait_for(self, matches: Any, *, seconds: float = 30) -> dict[str, Any]:
        """The first event (already received or still to come) that ``matches``."""
        deadline = time.monotonic() + seconds
        while True:
            for event in self.events:
                if matches(event):
                    self.events.remove(event)
                    return event
            if time.monotonic() > deadline:
                pytest.fail(f"no such event from Janus; had {self.events}")
            self.poll()

    def poll(self) -> None:
        url = f"{self.http_url}/{self.session_id}?maxev=10&rid={secrets.token_hex(4)}"
        try:
            with urllib.request.urlopen(url, timeout=40) as reply:  # noqa: S310
                answer = json.loads(reply.read())
        except (urllib.error.URLError, TimeoutError):
            return
        for event in answer if isinstance(answer, list) else [answer]:
            if event.get("janus") != "keepalive":
                self.events.append(event)

    def detach(self) -> None:
        if self.session_id:
            self._call(f"{self.http_url}/{self.session_id}", {"janus": "destroy"})
            self.session_id = 0


# A page of no origin but loopback's (a secure context, so the fake camera and microphone are
# there): Chromium sends their media to Janus through the handle of a JanusClient.
PUBLISHER_PAGE = "http://127.0.0.1:9/janus-publisher"
OFFER = """async () => {
  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
  const pc = new RTCPeerConnection();
  window.publisher = pc;
  stream.getTracks().forEach((track) => pc.addTrack(track, stream));
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== "complete") {
    await new Promise((done) => pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") { done(); }
    }));
  }
  return pc.localDescription.sdp;
}"""
ANSWER = "(sdp) => window.publisher.setRemoteDescription({type: 'answer', sdp})"


def publish_from(page: Page, client: JanusClient) -> dict[str, Any]:
    """Have ``page`` publish its camera and microphone through ``client``'s handle (joined as
    a publisher already); the plugin's answer to ``configure``."""
    page.route(
        PUBLISHER_PAGE,
        lambda route: route.fulfill(
            body="<!doctype html><title>Publisher</title>", content_type="text/html"
        ),
    )
    page.goto(PUBLISHER_PAGE)
    offer = page.evaluate(OFFER)
    configured = client.message(
        {"request": "configure", "audio": True, "video": True},
        jsep={"type": "offer", "sdp": offer},
    )
    assert configured.get("configured") == "ok", configured
    page.evaluate(ANSWER, configured["jsep"]["sdp"])
    return configured
