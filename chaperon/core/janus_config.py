"""The configuration of a Janus (Debian's ``janus`` package) that Chaperon runs itself.

``chaperon serve`` and the tests both start Janus from a folder written here, so that what the
tests prove is what runs. The folder holds Janus's own configuration files only: the libraries
(plugins, transports) are Debian's. Janus loads the VideoRoom plugin alone, and the HTTP and
WebSocket transports alone; its HTTP API, Admin API and WebSocket API listen on 127.0.0.1 only
(Chaperon's server does all the signalling; browsers reach nothing of Janus but its media
ports). No event handlers, no external loggers, no STUN.

It lives in ``core`` (not ``rooms``) because ``chaperon serve`` writes it, and ``core`` imports
no app. Rooms talk to the running Janus through ``chaperon.rooms.janus``.
"""

import json
import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

JANUS_BINARY = "/usr/bin/janus"
LIBRARIES = Path("/usr/lib/x86_64-linux-gnu/janus")
VIDEOROOM = "libjanus_videoroom.so"
TRANSPORTS = ("libjanus_http.so", "libjanus_websockets.so")
HTTP_PATH = "/janus"
ADMIN_PATH = "/admin"
# Janus's own default; ``chaperon serve`` uses it, the tests a small range each.
DEFAULT_RTP_PORTS = (20000, 40000)


def janus_binary() -> str | None:
    """Where Janus is installed (``make janus``): on the PATH or Debian's, or None."""
    return shutil.which("janus") or shutil.which(JANUS_BINARY)


def libraries_folder() -> Path:
    """Debian's folder of Janus's libraries (the multiarch path of this machine)."""
    if LIBRARIES.is_dir():
        return LIBRARIES
    for candidate in sorted(Path("/usr/lib").glob("*/janus")):
        if (candidate / "plugins" / VIDEOROOM).exists():
            return candidate
    return LIBRARIES


def _value(value: object) -> str:
    """A libconfig value: JSON's quoting of strings and numbers is libconfig's too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _render(sections: dict[str, dict[str, object]]) -> str:
    lines = ["# Written by Chaperon; edits are overwritten when it starts Janus again."]
    for name, items in sections.items():
        lines.append(f"{name}: {{")
        lines.extend(f"\t{key} = {_value(value)}" for key, value in items.items())
        lines.append("}")
    return "\n".join(lines) + "\n"


def _others(folder: Path, keep: Sequence[str]) -> str:
    """Every library in ``folder`` but ``keep``, as Janus's ``disable`` list."""
    names = sorted(p.name for p in folder.glob("libjanus_*.so") if p.name not in keep)
    return ",".join(names)


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o600)  # the admin secret and the VideoRoom admin key are in these files


def write_janus_config(
    directory: Path,
    *,
    http_port: int,
    admin_port: int,
    ws_port: int,
    rtp_ports: tuple[int, int],
    admin_secret: str,
    room_admin_key: str,
    enforce_interface: str | None = None,
    nat_1_1_mapping: str | None = None,
    debug_level: int = 4,
    api_address: str = "127.0.0.1",
) -> Path:
    """Write Janus's configuration files into ``directory`` (made if missing); the path of
    ``janus.jcfg``, to start Janus with (``janus_command``). Janus logs to ``janus.log``
    there. ``enforce_interface`` limits the interfaces Janus gathers ICE candidates on (Janus
    never gathers on loopback, whatever this says: the tests give it an interface of its own
    in a network namespace); ``nat_1_1_mapping`` is the public address Janus puts in its
    candidates behind a 1:1 NAT; ``api_address`` is where its three APIs listen."""
    if not admin_secret or not room_admin_key:
        raise ValueError("Janus needs an admin secret and a VideoRoom admin key")
    low, high = rtp_ports
    if not 1024 <= low < high <= 65535:
        raise ValueError(f"rtp_ports {rtp_ports!r}: a range of ports above 1023, low first")
    directory.mkdir(parents=True, exist_ok=True)
    libraries = libraries_folder()
    nat: dict[str, object] = {"full_trickle": False}
    if enforce_interface:
        nat["ice_enforce_list"] = enforce_interface
    if nat_1_1_mapping:
        nat["nat_1_1_mapping"] = nat_1_1_mapping
    core: dict[str, dict[str, object]] = {
        "general": {
            "configs_folder": str(directory),
            "plugins_folder": str(libraries / "plugins"),
            "transports_folder": str(libraries / "transports"),
            "events_folder": str(libraries / "events"),
            "loggers_folder": str(libraries / "loggers"),
            "log_to_file": str(directory / "janus.log"),
            "debug_level": debug_level,
            "debug_timestamps": True,
            "debug_colors": False,
            "admin_secret": admin_secret,
            "server_name": "Chaperon",
            "hide_dependencies": True,
        },
        "media": {"rtp_port_range": f"{low}-{high}"},
        "nat": nat,
        "plugins": {"disable": _others(libraries / "plugins", [VIDEOROOM])},
        "transports": {"disable": _others(libraries / "transports", TRANSPORTS)},
        "loggers": {"disable": _others(libraries / "loggers", [])},
        "events": {"broadcast": False},
    }
    http: dict[str, dict[str, object]] = {
        "general": {
            "json": "plain",
            "base_path": HTTP_PATH,
            "http": True,
            "port": http_port,
            "ip": api_address,
            "https": False,
        },
        "admin": {
            "admin_base_path": ADMIN_PATH,
            "admin_http": True,
            "admin_port": admin_port,
            "admin_ip": api_address,
            "admin_https": False,
        },
    }
    websockets: dict[str, dict[str, object]] = {
        "general": {
            "json": "plain",
            "ws": True,
            "ws_port": ws_port,
            "ws_ip": api_address,
            "wss": False,
        },
        "admin": {"admin_ws": False, "admin_wss": False},
    }
    # No rooms of its own: Chaperon creates each room, private, when a session opens.
    videoroom: dict[str, dict[str, object]] = {
        "general": {"admin_key": room_admin_key, "lock_rtp_forward": True, "string_ids": False}
    }
    for name, sections in (
        ("janus.jcfg", core),
        ("janus.transport.http.jcfg", http),
        ("janus.transport.websockets.jcfg", websockets),
        ("janus.plugin.videoroom.jcfg", videoroom),
    ):
        _write(directory / name, _render(sections))
    return directory / "janus.jcfg"


def janus_command(config: Path, *, binary: str | None = None) -> list[str]:
    """The command that starts Janus from ``config`` (written by ``write_janus_config``),
    logging to its file and not to the terminal."""
    # The folder is named on the command line too: Janus reads its plugins' and transports'
    # files from there alone (``configs_folder`` in janus.jcfg is not read for them).
    return [
        binary or janus_binary() or JANUS_BINARY,
        *("--config", str(config), "--configs-folder", str(config.parent)),
        "--disable-stdout",
    ]


def janus_urls(
    *, http_port: int, admin_port: int, ws_port: int, address: str = "127.0.0.1"
) -> dict[str, str]:
    """The ``ROOM_SFU_*`` URLs of a Janus configured by ``write_janus_config``."""
    return {
        "ROOM_SFU_HTTP_URL": f"http://{address}:{http_port}{HTTP_PATH}",
        "ROOM_SFU_ADMIN_URL": f"http://{address}:{admin_port}{ADMIN_PATH}",
        "ROOM_SFU_WS_URL": f"ws://{address}:{ws_port}/",
    }


def kept_secret(path: Path) -> str:
    """The secret in ``path``, made (random, readable by its owner alone) if it is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: theirs is the one
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
