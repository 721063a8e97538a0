"""One room, two ASGI processes: nginx in front (as in docs/deployment.md) puts the host on
one uvicorn process and the learner on another (by a cookie), the Redis channel layer joins
them, and the learner is still admitted and media flows both ways."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from playwright.sync_api import Browser, expect

from tests.conftest import Cast
from tests.nginx_support import asgi_process, nginx
from tests.serve_support import Process

from .browsing import admit_and_agree, host_page, phone_context, receiving, start
from .conftest import DOOR_OPEN_FOR_WEEKS
from .helpers import booked, learner_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Redis for the channel layer (`make test` starts one on loopback); TEST_REDIS_URL names another.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# The learner's browser carries `chaperon_process=b`: nginx sends its pages and its WebSocket
# to the second process, everyone else's to the first.
ROUTING = """
    upstream asgi_a { server 127.0.0.1:{a}; }
    upstream asgi_b { server 127.0.0.1:{b}; }
    map $cookie_chaperon_process $asgi { default asgi_a; b asgi_b; }
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:{port};
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_max_temp_file_size 0;
        location /ws/ {
            proxy_pass http://$asgi;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_read_timeout 1h;
        }
        location / {
            proxy_pass http://$asgi;
        }
    }
"""


def _database_url() -> str:
    """The test run's database, for the servers in other processes."""
    current = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{current['NAME']}"
    password = f":{current['PASSWORD']}" if current["PASSWORD"] else ""
    return (
        f"postgres://{current['USER']}{password}@{current['HOST']}:{current['PORT'] or 5432}"
        f"/{current['NAME']}"
    )


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[str, Process, Process]]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis does not answer at {REDIS_URL} ({error}): `make test` starts it")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.test",
        "DATABASE_URL": _database_url(),
        "CHANNEL_REDIS_URL": REDIS_URL,
        "ROOM_ICE_ONLY_ADDRESS": "127.0.0.1",
        "ROOM_OPENS_MINUTES_BEFORE": str(DOOR_OPEN_FOR_WEEKS),
    }
    first, a = asgi_process(env)
    second, b = asgi_process(env)
    front, port = nginx(tmp_path / "nginx", ROUTING.replace("{a}", str(a)).replace("{b}", str(b)))
    try:
        yield f"http://127.0.0.1:{port}", first, second
    finally:
        for process in (front, first, second):
            process.stop()


def _websockets(process: Process, session_id: int) -> int:
    return len(re.findall(rf'"WebSocket /ws/rooms/{session_id}/" \[accepted\]', process.output))


@pytest.mark.clause("ROOM-1")
def test_host_and_learner_on_different_processes_still_meet_and_see_each_other(
    browser: Browser, two_processes: tuple[str, Process, Process], cast: Cast
) -> None:
    base, first, second = two_processes
    session = booked(cast)
    host = host_page(browser, base, cast.teacher, session)

    context = phone_context(browser)
    context.add_cookies([{"name": "chaperon_process", "value": "b", "url": base}])
    learner = context.new_page()
    learner.goto(f"{base}/sessions/join/{learner_token(session, cast.learner)}/")
    learner.get_by_label("Passcode").fill(session.passcode)
    learner.get_by_role("button", name="Join").click()
    expect(learner.locator("#waiting-panel")).to_be_visible()

    # The host, on the first process, sees the learner waiting on the second, and admits them.
    expect(host.locator("#waiting-list")).to_contain_text("Robin Alder")
    admit_and_agree(host, learner, "Robin Alder", comfortable=True)
    start(host, named_adult="Morgan Alder")
    assert receiving(host) and receiving(learner)

    # Each browser's WebSocket was served by its own process.
    assert _websockets(first, session.pk) >= 1, first.output
    assert _websockets(second, session.pk) >= 1, second.output
    assert f"/sessions/join/{learner_token(session, cast.learner)}/" in second.output
    assert f"/sessions/join/{learner_token(session, cast.learner)}/" not in first.output
    host.context.close()
    context.close()
