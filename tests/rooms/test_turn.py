"""TURN credentials (the TURN REST shared-secret scheme): how they are made, how long they
last, and that only someone the host admitted is given one."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.conf import LazySettings
from django.test import Client

from chaperon.rooms.turn import CHECK_MINUTES, ice_servers_for, turn_credential
from chaperon.sessions.models import Invitation
from tests.conftest import Cast

from .helpers import (
    booked,
    communicator,
    entry_cookie,
    invitation,
    run_async,
    staff_cookie,
    state,
    until,
)

SECRET = "north-star-secret"
TURN_URLS = ["turn:turn.example.org:3478?transport=udp", "turn:turn.example.org:3478?transport=tcp"]


def test_the_username_is_the_expiry_and_the_opaque_id_and_the_credential_its_hmac() -> None:
    made = turn_credential(secret=SECRET, opaque_id="p42", now=1_700_000_000.7, minutes=60)
    assert made.username == "1700003600:p42"
    assert made.expires_at == 1_700_003_600
    # Worked out independently: printf %s 1700003600:p42 | openssl dgst -sha1 -hmac ... | base64
    assert made.credential == "PsJuJ6QGsR37gzWiEa+sUJchmks="
    digest = hmac.new(SECRET.encode(), b"1700003600:p42", hashlib.sha1).digest()
    assert base64.b64decode(made.credential) == digest
    # Another secret, another moment, another person: another credential.
    assert turn_credential(secret="x", opaque_id="p42", now=1_700_000_000, minutes=60) != made
    later = turn_credential(secret=SECRET, opaque_id="p42", now=1_700_000_001, minutes=60)
    assert later.username == "1700003601:p42" and later.credential != made.credential
    other = turn_credential(secret=SECRET, opaque_id="p43", now=1_700_000_000, minutes=60)
    assert other.credential != made.credential


def test_a_credential_needs_a_secret_and_an_opaque_id_without_a_colon() -> None:
    with pytest.raises(ValueError, match="shared secret"):
        turn_credential(secret="", opaque_id="p1", now=0, minutes=60)
    with pytest.raises(ValueError, match="without a colon"):
        turn_credential(secret=SECRET, opaque_id="1:2", now=0, minutes=60)


def test_without_turn_the_servers_are_the_stun_servers_alone(settings: LazySettings) -> None:
    settings.ROOM_ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    settings.ROOM_TURN_URLS, settings.ROOM_TURN_SECRET = [], ""
    assert ice_servers_for(opaque_id="p1", now=0) == [{"urls": "stun:stun.example.org:3478"}]


def test_with_turn_the_credential_lasts_the_configured_minutes(settings: LazySettings) -> None:
    settings.ROOM_ICE_SERVERS = []
    settings.ROOM_TURN_URLS, settings.ROOM_TURN_SECRET = TURN_URLS, SECRET
    settings.ROOM_TURN_CREDENTIAL_MINUTES = 180
    (server,) = ice_servers_for(opaque_id="p7", now=1_000_000)
    assert server["urls"] == TURN_URLS
    assert server["username"] == f"{1_000_000 + 180 * 60}:p7"
    (check,) = ice_servers_for(opaque_id="c7", now=1_000_000, minutes=CHECK_MINUTES)
    assert check["username"] == f"{1_000_000 + CHECK_MINUTES * 60}:c7"


def _turn_entries(message: dict[str, object]) -> list[dict[str, object]]:
    servers = message["ice_servers"]
    assert isinstance(servers, list)
    return [server for server in servers if "credential" in server]


@pytest.mark.clause("ROOM-1")
@pytest.mark.django_db(transaction=True)
def test_only_someone_admitted_is_given_a_turn_credential(
    cast: Cast, settings: LazySettings
) -> None:
    settings.ROOM_TURN_URLS, settings.ROOM_TURN_SECRET = TURN_URLS, SECRET
    settings.ROOM_TURN_CREDENTIAL_MINUTES = 120
    settings.ROOM_ICE_TRANSPORT_POLICY = "relay"
    session = booked(cast)
    host_cookie = staff_cookie(cast.teacher)
    learner_cookie = entry_cookie(invitation(session, Invitation.Role.LEARNER, cast.learner.pk))
    page = f"/rooms/{session.pk}/"

    async def scenario() -> tuple[dict[str, object], dict[str, object]]:
        host = communicator(session, host_cookie)
        assert (await host.connect())[0]
        await until(host, state(lambda m: m["me"]["host"]))
        learner = communicator(session, learner_cookie)
        assert (await learner.connect())[0]
        waiting = await until(learner, state(lambda m: m["me"]["presence"] == "waiting"))
        await until(host, state(lambda m: m["waiting"]))
        await host.send_to(
            text_data=json.dumps({"type": "admit", "participant": waiting["me"]["id"]})
        )
        admitted = await until(learner, state(lambda m: m["me"]["presence"] == "admitted"))
        await learner.disconnect()
        await host.disconnect()
        return waiting, admitted

    before = int(time.time())
    waiting, admitted = run_async(scenario)
    assert _turn_entries(waiting) == []
    assert waiting["ice_transport_policy"] == "relay"
    (turn,) = _turn_entries(admitted)
    assert turn["urls"] == TURN_URLS
    expiry, opaque = str(turn["username"]).split(":")
    assert opaque == f"p{admitted['me']['id']}"
    assert before + 120 * 60 <= int(expiry) <= time.time() + 120 * 60
    digest = hmac.new(SECRET.encode(), str(turn["username"]).encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(digest).decode()
    # The room's page itself never carries a credential, whoever opens it.
    client = Client()
    client.cookies["sessionid"] = learner_cookie
    body = client.get(page).content.decode()
    assert SECRET not in body and "credential" not in body and "turn:" not in body
