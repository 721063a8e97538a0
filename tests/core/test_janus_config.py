"""The Janus that Chaperon runs itself: the configuration ``chaperon serve`` and the tests both
write, started by a real janus, and ``serve`` starting it only where janus is installed."""

import shutil
import socket
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from chaperon.core.janus_config import janus_binary, kept_secret, write_janus_config
from chaperon.core.management.commands import serve
from chaperon.rooms.janus import JanusAdmin
from tests.janus_support import JanusServer, answers_info, post_json
from tests.serve_support import ROOT, Server, free_port, wait_until


def test_janus_starts_from_the_written_configuration_with_only_what_rooms_need(
    janus_server: JanusServer,
) -> None:
    info = post_json(janus_server.config.http_url, {"janus": "info", "transaction": "t"})
    assert info["janus"] == "server_info"
    assert list(info["plugins"]) == ["janus.plugin.videoroom"]
    assert sorted(info["transports"]) == ["janus.transport.http", "janus.transport.websockets"]
    assert info["events"] == {} and info["loggers"] == {}
    assert info["server-name"] == "Chaperon"
    with JanusAdmin(janus_server.config) as admin:
        assert admin.room_exists(room_id=1234) is False  # Debian's demo rooms are not there
    folder = janus_server.log.parent
    for written in folder.glob("*.jcfg"):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written
    # Janus gathers ICE candidates on its end of the test's network alone.
    core = (folder / "janus.jcfg").read_text()
    assert 'ice_enforce_list = "chj' in core
    assert "HTTP webserver started" in janus_server.log_text()


def test_janus_s_apis_listen_on_the_address_they_are_given_alone(
    janus_server: JanusServer,
) -> None:
    written = (janus_server.log.parent / "janus.transport.http.jcfg").read_text()
    address = urlsplit(janus_server.config.http_url).hostname
    assert address is not None and f'ip = "{address}"' in written
    assert f'admin_ip = "{address}"' in written
    for url in (janus_server.config.http_url, janus_server.config.admin_url):
        port = int(urlsplit(url).port or 0)
        socket.create_connection((address, port), timeout=2).close()
        with pytest.raises(OSError):  # not on this machine's loopback, nor anywhere else
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_writer_refuses_a_janus_without_secrets_or_with_a_wrong_port_range(
    tmp_path: Path,
) -> None:
    def write(rtp_ports: tuple[int, int], admin_secret: str) -> None:
        write_janus_config(
            tmp_path,
            http_port=1,
            admin_port=2,
            ws_port=3,
            rtp_ports=rtp_ports,
            admin_secret=admin_secret,
            room_admin_key="k",
        )

    with pytest.raises(ValueError, match="admin secret"):
        write((20000, 20100), "")
    with pytest.raises(ValueError, match="rtp_ports"):
        write((20100, 20000), "s")
    assert not list(tmp_path.iterdir())


def test_a_kept_secret_is_made_once_for_its_owner_alone(tmp_path: Path) -> None:
    path = tmp_path / "janus" / "admin_secret"
    first = kept_secret(path)
    assert len(first) >= 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert kept_secret(path) == first


def test_serve_starts_janus_only_where_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    assert janus_binary() is None
    assert serve.own_janus(tmp_path) is None
    assert not (tmp_path / "janus").exists()

    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: "/opt/bin/janus")
    janus = serve.own_janus(tmp_path)
    assert janus is not None
    assert janus.command[:3] == ["/opt/bin/janus", "--config", str(tmp_path / "janus/janus.jcfg")]
    assert janus.env["ROOM_SFU_HTTP_URL"].startswith("http://127.0.0.1:")
    assert janus.env["ROOM_SFU_ADMIN_URL"].startswith("http://127.0.0.1:")
    assert janus.env["ROOM_SFU_WS_URL"].startswith("ws://127.0.0.1:")
    # The secrets reach the children as files, never in their environment.
    secret_file = Path(janus.env["ROOM_SFU_ADMIN_SECRET_FILE"])
    key_file = Path(janus.env["ROOM_SFU_ROOM_ADMIN_KEY_FILE"])
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    written = (tmp_path / "janus" / "janus.jcfg").read_text()
    assert f'admin_secret = "{secret_file.read_text()}"' in written
    # Janus never gathers on loopback: served, it offers the machine's own addresses.
    assert "ice_enforce_list" not in written


@override_settings(ROOM_SFU_HTTP_URL="http://10.0.0.5:8088/janus")
def test_serve_starts_no_janus_when_an_sfu_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: "/opt/bin/janus")
    assert serve.own_janus(tmp_path) is None


def child_environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_serve_runs_janus_and_gives_its_servers_the_settings_to_reach_it(tmp_path: Path) -> None:
    if janus_binary() is None:
        pytest.fail("janus is missing: `make janus` installs Debian's janus")
    # This checkout's code, whichever checkout the virtual environment was installed from.
    server = Server(tmp_path, free_port(), demo=False, env={"PYTHONPATH": str(ROOT)})
    try:
        server.wait_for("Chaperon is running on")
        server.wait_for("Started the Janus SFU")
        for label in ("HTTP server", "WebSocket server 1"):
            environment = child_environment(server.child_pid(label))
            assert environment["ROOM_SFU_HTTP_URL"].startswith("http://127.0.0.1:")
            assert "ROOM_SFU_ADMIN_SECRET" not in environment
            assert environment["ROOM_SFU_ADMIN_SECRET_FILE"] == str(
                tmp_path / "janus" / "admin_secret"
            )
        http_url = environment["ROOM_SFU_HTTP_URL"]
        assert f"Rooms use Janus as their SFU: its API on {http_url}" in server.output
        wait_until(lambda: answers_info(http_url), "Janus to answer", seconds=60)
    finally:
        assert server.stop() == 0
    # Stopping serve stops its Janus too.
    assert not answers_info(http_url)


def test_serve_never_hands_out_one_port_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Janus's three ports and the servers' are picked before any of them binds: a port the
    system offers again is not handed out again."""
    offered = iter([41001, 41001, 41002])

    class Probe:
        def __enter__(self) -> "Probe":
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def bind(self, address: tuple[str, int]) -> None:
            return None

        def getsockname(self) -> tuple[str, int]:
            return ("127.0.0.1", next(offered))

    monkeypatch.setattr(serve, "_handed_out", set())
    monkeypatch.setattr(serve.socket, "socket", lambda *args, **kwargs: Probe())
    assert [serve.free_port("127.0.0.1"), serve.free_port("127.0.0.1")] == [41001, 41002]
