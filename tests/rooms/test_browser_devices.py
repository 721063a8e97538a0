"""A forwarded join link in a second browser (ROOM-1, ROOM-6): the walk that once put a
stranger into a locked call as the learner."""

import pytest
from playwright.sync_api import Browser, expect

from chaperon.rooms.models import Participant, Presence, RoomEvent
from chaperon.sessions.attendance import session_attendance
from chaperon.sessions.models import Session
from tests.browser_support import assert_accessible
from tests.conftest import Cast

from .browsing import INBOUND_BYTES, PEER_STATES, eventually, in_a_call, learner_at_door
from .helpers import learner_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-6")
def test_a_forwarded_link_in_another_browser_waits_and_the_learner_keeps_their_place(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    host, learner = in_a_call(browser, base, cast)
    session = Session.objects.get()
    host.get_by_role("button", name="Lock the room").click()
    expect(host.get_by_role("button", name="Unlock the room")).to_be_visible()

    # The invitation email was forwarded: link and passcode, opened in another browser.
    stranger = learner_at_door(browser, base, learner_token(session, cast.learner))
    stranger.get_by_label("Passcode").fill(session.passcode)
    stranger.get_by_role("button", name="Join").click()
    expect(stranger.locator("#waiting-panel")).to_be_visible()
    expect(stranger.locator("#second-device-note")).to_be_visible()
    expect(stranger.locator("#agreement-panel")).to_be_hidden()
    assert_accessible(stranger)

    # The host is told, and sees the second device waiting.
    expect(host.locator("#alert")).to_contain_text("opened on a second device")
    expect(host.locator("#waiting-list")).to_contain_text("second device")
    expect(
        host.get_by_role("button", name="Admit Robin Alder on the second device")
    ).to_be_visible()

    # The learner's call goes on: same connection, media still arriving.
    assert learner.evaluate(PEER_STATES) == ["connected"]
    before = learner.evaluate(INBOUND_BYTES)[0]
    eventually(lambda: learner.evaluate(INBOUND_BYTES)[0] > before, timeout=20)
    expect(learner.locator("#alert")).to_be_empty()
    assert stranger.evaluate(PEER_STATES) == []
    assert stranger.locator("#videos video").count() == 1  # only their own preview

    host.get_by_role("button", name="Refuse").click()
    expect(stranger.locator("#alert")).to_contain_text("The host did not let you in.")
    assert learner.evaluate(PEER_STATES) == ["connected"]

    first, second = Participant.objects.filter(role="learner").order_by("id")
    assert first.presence == Presence.ADMITTED and second.presence == Presence.REFUSED
    assert not RoomEvent.objects.filter(kind="joined", data__rejoined=True).exists()
    assert [e.role for e in session_attendance(session=session)].count("learner") == 1
    for page in (host, learner, stranger):
        page.context.close()
