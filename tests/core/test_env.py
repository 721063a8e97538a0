import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from chaperon.core import env


def test_booleans_accept_the_usual_words(monkeypatch: pytest.MonkeyPatch) -> None:
    for word, expected in [("true", True), ("YES", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("CHAPERON_FLAG", word)
        assert env.env_bool("CHAPERON_FLAG", not expected) is expected


def test_a_bad_boolean_fails_loudly_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAPERON_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="CHAPERON_FLAG: 'perhaps' is not a boolean"):
        env.env_bool("CHAPERON_FLAG", False)


def test_integers_are_checked_against_their_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAPERON_N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.env_int("CHAPERON_N", 1)
    monkeypatch.setenv("CHAPERON_N", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum of 1"):
        env.env_int("CHAPERON_N", 5, minimum=1)
    monkeypatch.setenv("CHAPERON_N", "7")
    assert env.env_int("CHAPERON_N", 5, minimum=1) == 7


def test_secrets_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("CHAPERON_SECRET_FILE", str(secret))
    assert env.env_required("CHAPERON_SECRET") == "from-a-file"
    monkeypatch.setenv("CHAPERON_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="CHAPERON_SECRET_FILE: cannot read"):
        env.env_required("CHAPERON_SECRET")


def test_required_values_say_how_to_set_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAPERON_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="required, set it in the environment"):
        env.env_required("CHAPERON_SECRET")


def test_database_urls() -> None:
    postgres = env.database_from_url("postgres://app:s%40cret@db.internal:5433/chaperon")
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["USER"], postgres["PASSWORD"], postgres["HOST"], postgres["PORT"]) == (
        "app",
        "s@cret",
        "db.internal",
        "5433",
    )
    assert postgres["NAME"] == "chaperon"
    # A pool per process, never a connection kept per request (Django requires CONN_MAX_AGE 0).
    assert postgres["CONN_MAX_AGE"] == 0
    assert postgres["OPTIONS"] == {"pool": {"min_size": 1, "max_size": 4, "timeout": 10}}
    sqlite = env.database_from_url("sqlite:////srv/chaperon/db.sqlite3")
    assert sqlite["NAME"] == "/srv/chaperon/db.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql' is not supported"):
        env.database_from_url("mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        env.database_from_url("postgres://x@y")


def test_site_url_must_be_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAPERON_URL", "https://chaperon.school.example/")
    assert env.env_url("CHAPERON_URL", "") == "https://chaperon.school.example"
    for bad in ["chaperon.school.example", "ftp://x.example", "https://x.example/app"]:
        monkeypatch.setenv("CHAPERON_URL", bad)
        with pytest.raises(ImproperlyConfigured, match=r"CHAPERON_URL: .* is not an address"):
            env.env_url("CHAPERON_URL", "")


def test_json_lists_are_parsed_and_bad_ones_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.env_json_list("ROOM_ICE_SERVERS", "[]") == []
    monkeypatch.setenv("ROOM_ICE_SERVERS", '[{"urls": "stun:stun.example.org:3478"}]')
    assert env.env_json_list("ROOM_ICE_SERVERS", "[]") == [{"urls": "stun:stun.example.org:3478"}]
    monkeypatch.setenv("ROOM_ICE_SERVERS", "[{urls: stun}]")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_ICE_SERVERS: not valid JSON"):
        env.env_json_list("ROOM_ICE_SERVERS", "[]")
    monkeypatch.setenv("ROOM_ICE_SERVERS", '{"urls": "stun:stun.example.org"}')
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_ICE_SERVERS: must be a JSON list"):
        env.env_json_list("ROOM_ICE_SERVERS", "[]")


def test_the_database_pool_is_sized_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "12")
    monkeypatch.setenv("DATABASE_POOL_MIN", "2")
    monkeypatch.setenv("DATABASE_POOL_TIMEOUT", "5")
    postgres = env.database_from_url("postgres://app@db/chaperon?sslmode=require")
    assert postgres["OPTIONS"] == {
        "sslmode": "require",
        "pool": {"min_size": 2, "max_size": 12, "timeout": 5},
    }
    monkeypatch.setenv("DATABASE_POOL_MIN", "13")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_MIN: 13 is more than"):
        env.database_from_url("postgres://app@db/chaperon")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_SIZE: 0 is below"):
        env.database_from_url("postgres://app@db/chaperon")


def test_redis_carries_websocket_messages_once_there_are_several_asgi_processes() -> None:
    memory = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    assert env.channel_layers("", asgi_processes=1) == memory
    several = env.channel_layers("", asgi_processes=2)["default"]
    assert several["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert several["CONFIG"] == {"hosts": ["redis://127.0.0.1:6379/0"]}
    named = env.channel_layers("redis://cache.internal:6379/3", asgi_processes=1)["default"]
    assert named["CONFIG"] == {"hosts": ["redis://cache.internal:6379/3"]}


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, "channels.layers.InMemoryChannelLayer"),
        ({"SERVE_WS_PROCESSES": "3"}, "channels_redis.core.RedisChannelLayer"),
    ],
)
def test_the_settings_switch_to_redis_by_the_number_of_asgi_processes(
    environment: dict[str, str], backend: str, tmp_path: Path
) -> None:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SERVE_", "CHANNEL_")) and key != "DATABASE_URL"
    }
    show = "from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", show],
        env={
            **clean,
            **environment,
            "DJANGO_SETTINGS_MODULE": "chaperon.settings.dev",
            "CHAPERON_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == backend


def test_ice_servers_with_a_password_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROOM_ICE_SERVERS", '[{"urls": "stun:stun.example.org:3478"}]')
    assert env.env_ice_servers("ROOM_ICE_SERVERS") == [{"urls": "stun:stun.example.org:3478"}]
    monkeypatch.setenv(
        "ROOM_ICE_SERVERS",
        '[{"urls": "turn:turn.example.org", "username": "u", "credential": "p"}]',
    )
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_ICE_SERVERS: .*ROOM_TURN_SECRET"):
        env.env_ice_servers("ROOM_ICE_SERVERS")


def test_turn_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    names = ("ROOM_TURN_URLS", "ROOM_TURN_SECRET", "ROOM_TURN_CREDENTIAL_MINUTES")
    assert env.env_turn(*names) == ([], "", 180)
    monkeypatch.setenv("ROOM_TURN_URLS", "turn:turn.example.org:3478,turns:turn.example.org")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_TURN_SECRET: required with"):
        env.env_turn(*names)
    secret = tmp_path / "turn-secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("ROOM_TURN_SECRET_FILE", str(secret))
    monkeypatch.setenv("ROOM_TURN_CREDENTIAL_MINUTES", "60")
    assert env.env_turn(*names) == (
        ["turn:turn.example.org:3478", "turns:turn.example.org"],
        "from-a-file",
        60,
    )
    monkeypatch.setenv("ROOM_TURN_CREDENTIAL_MINUTES", "1440")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_TURN_CREDENTIAL_MINUTES: 1440 is"):
        env.env_turn(*names)
    monkeypatch.delenv("ROOM_TURN_CREDENTIAL_MINUTES")
    monkeypatch.setenv("ROOM_TURN_URLS", "https://turn.example.org")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_TURN_URLS: .* is not a TURN URL"):
        env.env_turn(*names)
    monkeypatch.delenv("ROOM_TURN_URLS")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_TURN_URLS: required with"):
        env.env_turn(*names)


def test_sfu_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert env.env_sfu("ROOM_SFU") == ("", "", "", "", "")
    monkeypatch.setenv("ROOM_SFU_ADMIN_URL", "http://127.0.0.1:7088/admin")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_SFU_HTTP_URL: required with"):
        env.env_sfu("ROOM_SFU")
    monkeypatch.setenv("ROOM_SFU_HTTP_URL", "http://127.0.0.1:8088/janus/")
    monkeypatch.setenv("ROOM_SFU_WS_URL", "ws://127.0.0.1:8188/")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_SFU_ADMIN_SECRET: required with"):
        env.env_sfu("ROOM_SFU")
    secret = tmp_path / "admin-secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("ROOM_SFU_ADMIN_SECRET_FILE", str(secret))
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_SFU_ROOM_ADMIN_KEY: required with"):
        env.env_sfu("ROOM_SFU")
    monkeypatch.setenv("ROOM_SFU_ROOM_ADMIN_KEY", "a-key")
    assert env.env_sfu("ROOM_SFU") == (
        "http://127.0.0.1:8088/janus",
        "http://127.0.0.1:7088/admin",
        "ws://127.0.0.1:8188/",
        "from-a-file",
        "a-key",
    )
    monkeypatch.setenv("ROOM_SFU_WS_URL", "http://127.0.0.1:8188/")
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_SFU_WS_URL: .* must start with ws://"):
        env.env_sfu("ROOM_SFU")


def test_relay_only_needs_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.env_ice_transport_policy("ROOM_ICE_TRANSPORT_POLICY", has_turn=False) == "all"
    monkeypatch.setenv("ROOM_ICE_TRANSPORT_POLICY", "relay")
    assert env.env_ice_transport_policy("ROOM_ICE_TRANSPORT_POLICY", has_turn=True) == "relay"
    with pytest.raises(ImproperlyConfigured, match=r"^ROOM_ICE_TRANSPORT_POLICY: relay needs"):
        env.env_ice_transport_policy("ROOM_ICE_TRANSPORT_POLICY", has_turn=False)
    monkeypatch.setenv("ROOM_ICE_TRANSPORT_POLICY", "direct")
    with pytest.raises(ImproperlyConfigured, match=r"neither all nor relay"):
        env.env_ice_transport_policy("ROOM_ICE_TRANSPORT_POLICY", has_turn=True)
