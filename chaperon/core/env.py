"""Read settings from the environment, failing loudly on values that make no sense.

Every helper honours ``NAME_FILE`` as well as ``NAME`` (for secrets mounted as files).
No Django import here: settings modules import this before Django is configured.
"""

import ipaddress
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {error}") from error
    return os.environ.get(name)


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_required(name: str) -> str:
    value = _raw(name)
    if not value:
        raise ImproperlyConfigured(f"{name}: required, set it in the environment (or {name}_FILE)")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: {value!r} is not a boolean, use true or false")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: {value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: {number} is below the minimum of {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (``10.0.0.0/8``); empty when unset."""
    networks = env_list(name, [])
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {network!r} is not an IP address or network (such as 10.0.0.5 or "
                "10.0.0.0/24)"
            ) from None
    return networks


def env_json_list(name: str, example: str) -> list[Any]:
    """A JSON list, such as ``[{"urls": "stun:stun.example.org"}]``; empty when unset."""
    value = env_str(name, "")
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(
            f"{name}: not valid JSON ({error.msg}); e.g. {example}"
        ) from None
    if not isinstance(parsed, list):
        raise ImproperlyConfigured(f"{name}: must be a JSON list, e.g. {example}")
    return parsed


def env_ice_servers(name: str) -> list[Any]:
    """STUN servers for the browsers (``env_json_list``). A TURN password here would be the same
    for everyone and shown in every room's page, so entries with credentials are refused: TURN
    is given by ``ROOM_TURN_URLS`` and ``ROOM_TURN_SECRET`` (short-lived credentials)."""
    servers = env_json_list(name, '[{"urls": "stun:stun.example.org:3478"}]')
    for server in servers:
        if isinstance(server, dict) and ({"username", "credential"} & server.keys()):
            raise ImproperlyConfigured(
                f"{name}: an entry has a username or credential, which every page would show; "
                "list STUN servers here, and give TURN as ROOM_TURN_URLS with ROOM_TURN_SECRET "
                "(short-lived credentials for each person admitted: docs/rooms.md)"
            )
    return servers


TURN_SCHEMES = ("turn:", "turns:")
TURN_LONGEST_MINUTES = 6 * 60


def env_turn(urls_name: str, secret_name: str, minutes_name: str) -> tuple[list[str], str, int]:
    """The TURN servers (``turn:`` or ``turns:`` URLs, comma-separated), their shared secret
    (``NAME_FILE`` honoured) and the lifetime of the credentials made from it, in minutes
    (3 hours unless set; at most 6). Both or neither of the URLs and the secret."""
    urls = env_list(urls_name, [])
    for url in urls:
        if not url.startswith(TURN_SCHEMES):
            raise ImproperlyConfigured(
                f"{urls_name}: {url!r} is not a TURN URL; write turn:host:3478 or "
                "turns:host:5349 (with ?transport=tcp where needed)"
            )
    secret = env_str(secret_name, "")
    if urls and not secret:
        raise ImproperlyConfigured(
            f"{secret_name}: required with {urls_name}, the secret coturn has as "
            f"static-auth-secret (or {secret_name}_FILE)"
        )
    if secret and not urls:
        raise ImproperlyConfigured(
            f"{urls_name}: required with {secret_name}, e.g. turn:turn.example.org:3478"
        )
    minutes = env_int(minutes_name, 180, minimum=5)
    if minutes > TURN_LONGEST_MINUTES:
        raise ImproperlyConfigured(
            f"{minutes_name}: {minutes} is above the longest allowed, {TURN_LONGEST_MINUTES} "
            "minutes; a credential should last a session, not a day"
        )
    return urls, secret, minutes


def env_ice_transport_policy(name: str, *, has_turn: bool) -> str:
    """``all`` (direct where the networks allow) or ``relay`` (through TURN only, which needs
    a TURN server)."""
    value = env_str(name, "all")
    if value not in ("all", "relay"):
        raise ImproperlyConfigured(f"{name}: {value!r} is neither all nor relay")
    if value == "relay" and not has_turn:
        raise ImproperlyConfigured(
            f"{name}: relay needs a TURN server, set ROOM_TURN_URLS and ROOM_TURN_SECRET"
        )
    return value


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into Django's form."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ImproperlyConfigured(f"DATABASE_URL: {url!r} names no SQLite file")
        return sqlite_database(Path(path[1:] if path.startswith("//") else path))
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL: {url!r} names no database after the host")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Connections come from a pool per process (psycopg_pool through Django), taken
            # for a request and given back after it: never one left open per request or thread.
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": True,  # the pool checks a connection before lending it
            "OPTIONS": {**options, "pool": database_pool()},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL: scheme {parts.scheme!r} is not supported, use postgres:// or sqlite:///"
    )


def database_pool() -> dict[str, object]:
    """The PostgreSQL connection pool of each process: at most ``DATABASE_POOL_SIZE``
    connections (4 by default), ``DATABASE_POOL_MIN`` kept open (1), and a request that finds
    every connection busy waits ``DATABASE_POOL_TIMEOUT`` seconds (10) before it fails."""
    size = env_int("DATABASE_POOL_SIZE", 4, minimum=1)
    minimum = env_int("DATABASE_POOL_MIN", 1, minimum=0)
    if minimum > size:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN: {minimum} is more than DATABASE_POOL_SIZE ({size})"
        )
    timeout = env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1)
    return {"min_size": minimum, "max_size": size, "timeout": timeout}


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite tuned for a small server: WAL, writers queue instead of failing."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # Take the write lock when a transaction begins, so that read-then-write
            # transactions (the audit chain) never deadlock or fail half-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
    }


DEFAULT_CHANNEL_REDIS_URL = "redis://127.0.0.1:6379/0"


def cores() -> int:
    """The processor cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def channel_layers(redis_url: str, *, asgi_processes: int) -> dict[str, dict[str, object]]:
    """The in-memory channel layer while one ASGI process serves every WebSocket; Redis (at
    ``redis_url``, or the local default) as soon as there are more, or when a URL is given,
    so that a room's people on different processes still hear each other."""
    if not redis_url and asgi_processes > 1:
        redis_url = DEFAULT_CHANNEL_REDIS_URL
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailers_from_env(default_backend: str) -> dict[str, dict[str, object]]:
    """Django's ``MAILERS``: the backend from ``EMAIL_BACKEND``; SMTP reads ``EMAIL_HOST``,
    ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD`` and ``EMAIL_USE_TLS``."""
    backend = env_str("EMAIL_BACKEND", default_backend)
    options: dict[str, object] = {}
    if backend == SMTP_BACKEND:
        options = {
            "host": env_str("EMAIL_HOST", "127.0.0.1"),
            "port": env_int("EMAIL_PORT", 25, minimum=1),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


def env_url(name: str, default: str) -> str:
    """An absolute http(s) address without a trailing slash, such as https://chaperon.example."""
    value = env_str(name, default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path:
        raise ImproperlyConfigured(
            f"{name}: {value!r} is not an address like https://chaperon.school.example"
        )
    return value


SFU_HTTP_SCHEMES = ("http://", "https://")
SFU_WS_SCHEMES = ("ws://", "wss://")


def env_sfu(prefix: str) -> tuple[str, str, str, str, str]:
    """Janus as the rooms' SFU: ``PREFIX_HTTP_URL``, ``PREFIX_ADMIN_URL``, ``PREFIX_WS_URL``,
    ``PREFIX_ADMIN_SECRET`` and ``PREFIX_ROOM_ADMIN_KEY`` (both secrets honour ``NAME_FILE``).
    All empty when ``PREFIX_HTTP_URL`` is unset (the rooms stay a browser mesh); with it,
    every other one is required."""
    http_url = env_str(f"{prefix}_HTTP_URL", "")
    names = ("ADMIN_URL", "WS_URL", "ADMIN_SECRET", "ROOM_ADMIN_KEY")
    if not http_url:
        stray = [f"{prefix}_{name}" for name in names if env_str(f"{prefix}_{name}", "")]
        if stray:
            raise ImproperlyConfigured(
                f"{prefix}_HTTP_URL: required with {', '.join(stray)}, Janus's HTTP API such "
                "as http://127.0.0.1:8088/janus (docs/rooms.md, Classes on an SFU)"
            )
        return "", "", "", "", ""
    examples = {
        "ADMIN_URL": "the Admin API, such as http://127.0.0.1:7088/admin",
        "WS_URL": "the WebSocket API, such as ws://127.0.0.1:8188/",
        "ADMIN_SECRET": "the admin_secret of janus.jcfg",
        "ROOM_ADMIN_KEY": "the admin_key of janus.plugin.videoroom.jcfg",
    }
    values = {}
    for name in names:
        value = env_str(f"{prefix}_{name}", "")
        if not value:
            raise ImproperlyConfigured(
                f"{prefix}_{name}: required with {prefix}_HTTP_URL, {examples[name]}"
                + (f" (or {prefix}_{name}_FILE)" if name.endswith(("SECRET", "KEY")) else "")
            )
        values[name] = value
    for name, value, schemes in (
        ("HTTP_URL", http_url, SFU_HTTP_SCHEMES),
        ("ADMIN_URL", values["ADMIN_URL"], SFU_HTTP_SCHEMES),
        ("WS_URL", values["WS_URL"], SFU_WS_SCHEMES),
    ):
        if not value.startswith(schemes):
            raise ImproperlyConfigured(
                f"{prefix}_{name}: {value!r} must start with {' or '.join(schemes)}"
            )
    return (
        http_url.rstrip("/"),
        values["ADMIN_URL"].rstrip("/"),
        values["WS_URL"],
        values["ADMIN_SECRET"],
        values["ROOM_ADMIN_KEY"],
    )
