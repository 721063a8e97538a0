"""Rooms on a real Janus (Debian's, ``make janus``): what Chaperon's server asks of it through the
Admin API, and what anyone who reached Janus's public API could and could not do."""

import dataclasses
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from chaperon.rooms.janus import JanusAdmin, JanusError, SfuConfig, sfu_config
from tests.janus_support import JanusClient, JanusServer, new_room_id, publish_from
from tests.serve_support import free_port, wait_until

UNAUTHORIZED = 433


@dataclasses.dataclass
class Room:
    admin: JanusAdmin
    http_url: str
    room_id: int
    secret: str
    pin: str

    def ids(self) -> list[int]:
        return sorted(p["id"] for p in self.admin.participants(room_id=self.room_id))

    def client(self) -> JanusClient:
        return JanusClient(self.http_url).attach()

    def join(self, client: JanusClient, **fields: Any) -> dict[str, Any]:
        return client.message({"request": "join", "room": self.room_id, **fields})


@pytest.fixture
def admin(shared_janus_server: JanusServer) -> Iterator[JanusAdmin]:
    with JanusAdmin(shared_janus_server.config) as admin:
        yield admin


@pytest.fixture
def room(admin: JanusAdmin, shared_janus_server: JanusServer) -> Iterator[Room]:
    room = Room(
        admin,
        shared_janus_server.config.http_url,
        new_room_id(),
        secrets.token_urlsafe(16),
        secrets.token_urlsafe(8),
    )
    admin.create_room(
        room_id=room.room_id,
        secret=room.secret,
        pin=room.pin,
        publishers=10,
        description="Year 9 science",
    )
    yield room
    admin.destroy_room(room_id=room.room_id, secret=room.secret)


def test_a_room_is_created_and_destroyed_once_however_often_asked(admin: JanusAdmin) -> None:
    room_id, secret, pin = new_room_id(), secrets.token_urlsafe(16), "2468"
    assert not admin.room_exists(room_id=room_id)
    for _ in range(2):
        admin.create_room(
            room_id=room_id, secret=secret, pin=pin, publishers=6, description="Tutor group"
        )
        assert admin.room_exists(room_id=room_id)
    for _ in range(2):
        admin.destroy_room(room_id=room_id, secret=secret)
        assert not admin.room_exists(room_id=room_id)


def test_a_room_of_that_id_with_another_secret_is_not_taken_as_ours(room: Room) -> None:
    with pytest.raises(JanusError, match="Unauthorized") as refused:
        room.admin.create_room(
            room_id=room.room_id,
            secret=secrets.token_urlsafe(16),
            pin=room.pin,
            publishers=6,
            description="Another",
        )
    assert refused.value.code == UNAUTHORIZED
    with pytest.raises(JanusError, match="Unauthorized"):
        room.admin.destroy_room(room_id=room.room_id, secret="not-the-secret")
    assert room.admin.room_exists(room_id=room.room_id)


def test_the_room_is_private(room: Room) -> None:
    client = room.client()
    listed = client.message({"request": "list"})
    assert room.room_id not in [r["room"] for r in listed["list"]]
    client.detach()


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-2")
def test_an_allowed_token_with_the_pin_joins_and_is_listed(room: Room) -> None:
    token = secrets.token_urlsafe(16)
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[token])
    client = room.client()
    joined = room.join(client, ptype="publisher", pin=room.pin, token=token, display="Learner A")
    assert joined["videoroom"] == "joined", joined
    assert isinstance(joined["private_id"], int)
    [listed] = room.admin.participants(room_id=room.room_id)
    assert listed["id"] == joined["id"]
    assert listed["display"] == "Learner A"
    assert listed["publisher"] is False  # joined, sending no media
    client.detach()


@pytest.mark.clause("ROOM-1")
@pytest.mark.parametrize("token", [None, "a-token-nobody-was-given"], ids=["none", "wrong"])
def test_a_publisher_without_an_allowed_token_is_refused(room: Room, token: str | None) -> None:
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[secrets.token_urlsafe()])
    before = room.ids()
    client = room.client()
    fields = {"ptype": "publisher", "pin": room.pin, "display": "Stranger"}
    refused = room.join(client, **fields, **({"token": token} if token else {}))
    assert refused.get("error_code") == UNAUTHORIZED, refused
    assert "allowed list" in refused["error"]
    assert room.ids() == before
    client.detach()


@pytest.mark.clause("ROOM-1")
def test_a_disallowed_token_no_longer_joins_even_with_the_pin(room: Room) -> None:
    kept, removed = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[kept, removed])
    room.admin.disallow(room_id=room.room_id, secret=room.secret, tokens=[removed])
    # Tokens that are not on the list are fine to take off.
    room.admin.disallow(room_id=room.room_id, secret=room.secret, tokens=["never-added"])
    before = room.ids()
    client = room.client()
    refused = room.join(client, ptype="publisher", pin=room.pin, token=removed)
    assert refused.get("error_code") == UNAUTHORIZED, refused
    assert room.ids() == before
    joined = room.join(client, ptype="publisher", pin=room.pin, token=kept)
    assert joined["videoroom"] == "joined", joined
    assert room.ids() == [joined["id"]]
    client.detach()


@pytest.mark.clause("ROOM-2")
@pytest.mark.parametrize("pin", [None, "0000"], ids=["none", "wrong"])
def test_an_allowed_token_without_the_pin_is_refused(room: Room, pin: str | None) -> None:
    token = secrets.token_urlsafe(16)
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[token])
    before = room.ids()
    client = room.client()
    refused = room.join(client, ptype="publisher", token=token, **({"pin": pin} if pin else {}))
    assert refused.get("error_code") in (UNAUTHORIZED, 429), refused  # 429: missing element
    assert room.ids() == before
    client.detach()


def publishing(room: Room, page: Page) -> tuple[JanusClient, dict[str, Any]]:
    """A publisher admitted with a token, sending Chromium's fake camera and microphone."""
    token = secrets.token_urlsafe(16)
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[token])
    client = room.client()
    joined = room.join(client, ptype="publisher", pin=room.pin, token=token, display="Teacher")
    publish_from(page, client)
    wait_until(
        lambda: [p for p in room.admin.participants(room_id=room.room_id) if p["publisher"]],
        "the publisher's media to reach Janus",
        seconds=60,
    )
    return client, joined


@pytest.mark.browser
@pytest.mark.clause("ROOM-1")
@pytest.mark.parametrize(
    "private_id", [None, "made-up", "another-room's"], ids=["none", "made-up", "other-room"]
)
def test_a_subscriber_with_the_pin_but_no_private_id_of_this_room_is_refused(
    room: Room, page: Page, admin: JanusAdmin, private_id: str | None
) -> None:
    publisher, joined = publishing(room, page)
    other = Room(admin, room.http_url, new_room_id(), secrets.token_urlsafe(16), "1111")
    admin.create_room(
        room_id=other.room_id, secret=other.secret, pin=other.pin, publishers=2, description=""
    )
    elsewhere = other.client()
    other_token = secrets.token_urlsafe(16)
    admin.allow(room_id=other.room_id, secret=other.secret, tokens=[other_token])
    other_joined = other.join(elsewhere, ptype="publisher", pin=other.pin, token=other_token)
    ids = {
        None: {},
        "made-up": {"private_id": joined["private_id"] + 1},
        "another-room's": {"private_id": other_joined["private_id"]},
    }[private_id]
    before = room.admin.participants(room_id=room.room_id)
    outsider = room.client()
    refused = room.join(
        outsider, ptype="subscriber", pin=room.pin, streams=[{"feed": joined["id"]}], **ids
    )
    assert refused.get("error_code") == UNAUTHORIZED, refused
    assert "private_id" in refused["error"]
    assert refused.get("jsep") is None  # no offer: no media for them
    assert room.admin.participants(room_id=room.room_id) == before
    admin.destroy_room(room_id=other.room_id, secret=other.secret)
    for client in (outsider, elsewhere, publisher):
        client.detach()


@pytest.mark.browser
@pytest.mark.clause("ROOM-2")
@pytest.mark.parametrize("pin", [None, "0000"], ids=["none", "wrong"])
def test_a_subscriber_without_the_pin_is_refused_even_with_a_private_id_and_token(
    room: Room, page: Page, pin: str | None
) -> None:
    publisher, joined = publishing(room, page)
    token = secrets.token_urlsafe(16)
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[token])
    before = room.admin.participants(room_id=room.room_id)
    outsider = room.client()
    refused = room.join(
        outsider,
        ptype="subscriber",
        streams=[{"feed": joined["id"]}],
        private_id=joined["private_id"],
        token=token,
        **({"pin": pin} if pin else {}),
    )
    assert refused.get("error_code") in (UNAUTHORIZED, 429), refused  # 429: missing element
    assert "pin" in refused["error"]
    assert refused.get("jsep") is None
    assert room.admin.participants(room_id=room.room_id) == before
    for client in (outsider, publisher):
        client.detach()


@pytest.mark.browser
def test_a_subscriber_needs_the_pin_and_a_private_id_of_the_room_but_no_token(
    room: Room, page: Page
) -> None:
    """VideoRoom checks tokens for publishers only: a subscription is let in by the pin and the
    private_id of a publisher joined to the same room (``require_pvtid``). Chaperon's server
    makes every subscription itself, with the private_id of that person's own publisher."""
    publisher, joined = publishing(room, page)
    viewer = room.client()
    attached = room.join(
        viewer,
        ptype="subscriber",
        pin=room.pin,
        streams=[{"feed": joined["id"]}],
        private_id=joined["private_id"],
    )
    assert attached["videoroom"] == "attached", attached
    assert attached["jsep"]["type"] == "offer"
    for client in (viewer, publisher):
        client.detach()


@pytest.mark.browser
def test_moderate_mutes_and_unmutes_a_publisher_s_stream(room: Room, page: Page) -> None:
    publisher, joined = publishing(room, page)
    for mute, word in ((True, "muted"), (False, "unmuted")):
        room.admin.moderate(
            room_id=room.room_id, secret=room.secret, feed_id=joined["id"], mid="0", mute=mute
        )
        told = publisher.wait_for(
            lambda e, word=word: e.get("plugindata", {}).get("data", {}).get("moderation") == word
        )
        assert told["plugindata"]["data"]["mid"] == "0"
    publisher.detach()


def test_kick_removes_a_joined_publisher_and_twice_is_no_error(room: Room) -> None:
    tokens = [secrets.token_urlsafe(16), secrets.token_urlsafe(16)]
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=tokens)
    clients = [room.client(), room.client()]
    ids = [
        room.join(client, ptype="publisher", pin=room.pin, token=token)["id"]
        for client, token in zip(clients, tokens, strict=True)
    ]
    assert room.ids() == sorted(ids)
    room.admin.kick(room_id=room.room_id, secret=room.secret, feed_id=ids[0])
    assert room.ids() == [ids[1]]
    room.admin.kick(room_id=room.room_id, secret=room.secret, feed_id=ids[0])
    room.admin.kick(room_id=new_room_id(), secret=room.secret, feed_id=ids[0])
    assert room.ids() == [ids[1]]
    kicked = clients[0].wait_for(
        lambda e: e.get("plugindata", {}).get("data", {}).get("leaving") == "ok"
    )
    assert kicked["plugindata"]["data"]["reason"] == "kicked"
    for client in clients:
        client.detach()


def test_moderating_a_stream_the_publisher_does_not_send_says_so(room: Room) -> None:
    token = secrets.token_urlsafe(16)
    room.admin.allow(room_id=room.room_id, secret=room.secret, tokens=[token])
    client = room.client()
    joined = room.join(client, ptype="publisher", pin=room.pin, token=token)
    with pytest.raises(JanusError, match="No such stream 0"):
        room.admin.moderate(
            room_id=room.room_id, secret=room.secret, feed_id=joined["id"], mid="0", mute=True
        )
    client.detach()


def test_a_wrong_admin_secret_is_refused_by_janus(shared_janus_server: JanusServer) -> None:
    config = dataclasses.replace(shared_janus_server.config, admin_secret="not-the-secret")
    with JanusAdmin(config) as admin, pytest.raises(JanusError, match="Unauthorized"):
        admin.room_exists(room_id=new_room_id())


def test_a_wrong_videoroom_admin_key_creates_nothing(shared_janus_server: JanusServer) -> None:
    config = dataclasses.replace(shared_janus_server.config, room_admin_key="not-the-key")
    room_id = new_room_id()
    with JanusAdmin(config) as admin:
        with pytest.raises(JanusError, match="Unauthorized"):
            admin.create_room(
                room_id=room_id, secret="s3cret-word", pin="1357", publishers=4, description=""
            )
        assert not admin.room_exists(room_id=room_id)


def test_an_unreachable_janus_is_a_janus_error_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/admin"
    config = SfuConfig(
        http_url="http://127.0.0.1:1/janus",
        admin_url=url,
        ws_url="ws://127.0.0.1:1/",
        admin_secret="x",
        room_admin_key="y",
    )
    with JanusAdmin(config, timeout=2) as admin, pytest.raises(JanusError) as unreachable:
        admin.room_exists(room_id=1)
    assert f"unreachable at {url}" in str(unreachable.value)
    assert unreachable.value.code is None


def test_the_secrets_are_not_in_the_config_s_repr(shared_janus_server: JanusServer) -> None:
    shown = repr(shared_janus_server.config)
    assert shared_janus_server.config.admin_secret not in shown
    assert shared_janus_server.config.room_admin_key not in shown


def test_the_sfu_comes_from_the_settings_or_is_none(settings: Any) -> None:
    settings.ROOM_SFU_HTTP_URL = ""
    assert sfu_config() is None
    settings.ROOM_SFU_HTTP_URL = "http://127.0.0.1:8088/janus"
    settings.ROOM_SFU_ADMIN_URL = "http://127.0.0.1:7088/admin"
    settings.ROOM_SFU_WS_URL = "ws://127.0.0.1:8188/"
    settings.ROOM_SFU_ADMIN_SECRET = "an-admin-secret"
    settings.ROOM_SFU_ROOM_ADMIN_KEY = "a-room-admin-key"
    assert sfu_config() == SfuConfig(
        http_url="http://127.0.0.1:8088/janus",
        admin_url="http://127.0.0.1:7088/admin",
        ws_url="ws://127.0.0.1:8188/",
        admin_secret="an-admin-secret",
        room_admin_key="a-room-admin-key",
    )
