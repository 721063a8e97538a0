"""The live room in real browsers: two Chromium contexts with fake cameras against a real ASGI
server on loopback. Media flows both ways, and the door refuses what it must."""

import pytest
from playwright.sync_api import Browser, expect

from chaperon.rooms.models import Participant, Presence, RoomEvent
from chaperon.rooms.selectors import report_url
from chaperon.sessions.attendance import session_attendance
from tests.browser_support import assert_accessible
from tests.conftest import Cast

from .browsing import host_page, learner_at_door, receiving
from .helpers import booked, learner_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-3")
@pytest.mark.clause("ROOM-7")
@pytest.mark.clause("ROOM-8")
@pytest.mark.clause("SES-5")
def test_the_host_admits_a_learner_and_media_flows_both_ways(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    session = booked(cast)
    host = host_page(browser, base, cast.teacher, session)
    learner = learner_at_door(browser, base, learner_token(session, cast.learner))
    expect(learner.get_by_text("Hello Robin Alder.")).to_be_visible()
    assert_accessible(learner)
    learner.get_by_label("Passcode").fill(session.passcode)
    learner.get_by_role("button", name="Join").click()
    expect(learner.locator("#waiting-panel")).to_be_visible()
    assert_accessible(learner)

    # The host sees who is waiting and who they are linked to, then admits them.
    expect(host.locator("#waiting-list")).to_contain_text("Robin Alder")
    expect(host.locator("#waiting-list")).to_contain_text("Morgan Alder")
    host.get_by_role("button", name="Admit Robin Alder").click()
    expect(learner.locator("#agreement-panel")).to_be_visible()
    expect(learner.locator("#agreement-panel")).to_contain_text("leave at any time")
    learner.get_by_role("button", name="I understand and agree").click()
    expect(learner.locator("#prestart-panel")).to_be_visible()
    expect(host.locator("#lock-prompt")).to_be_visible()

    # SES-5: the named adult confirmed before the 1:1 starts.
    host.get_by_role("button", name="Start the session").click()
    expect(host.locator("#notice")).to_contain_text("Morgan Alder is present")
    host.get_by_label("I have confirmed that Morgan Alder is present in the house").check()
    host.get_by_role("button", name="Start the session").click()
    expect(host.locator("#timer")).to_be_visible()
    expect(learner.locator("#timer")).to_be_visible()

    assert receiving(host) and receiving(learner)
    assert learner.locator("#screen-button").count() == 0  # ROOM-4: no button to share
    assert_accessible(learner)

    # Chat, kept with the session.
    learner.get_by_label("Message").fill("<b>hello</b>")
    learner.get_by_role("button", name="Send").click()
    expect(host.locator("#chat-log")).to_contain_text("<b>hello</b>")

    # ROOM-8: leave at once and report.
    learner_row = Participant.objects.get(role="learner")
    report = report_url(learner_row)
    assert report == f"/report/session/{learner_token(session, cast.learner)}/"
    learner.get_by_role("link", name="Leave and report").click()
    expect(learner).to_have_url(f"{base}{report}")
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Report a worry")
    expect(host.locator("#people-list")).not_to_contain_text("Robin Alder")
    learner_row.refresh_from_db()
    assert learner_row.presence == Presence.LEFT
    stays = [entry for entry in session_attendance(session=session) if entry.role == "learner"]
    assert len(stays) == 1 and stays[0].left_at is not None
    assert RoomEvent.objects.filter(kind="chat", text="<b>hello</b>").exists()
    host.context.close()
    learner.context.close()


@pytest.mark.clause("ROOM-2")
@pytest.mark.clause("ROOM-6")
def test_the_door_refuses_a_wrong_passcode_an_unknown_link_and_a_locked_room(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    session = booked(cast)
    token = learner_token(session, cast.learner)
    learner = learner_at_door(browser, base, token)
    learner.get_by_label("Passcode").fill("000000" if session.passcode != "000000" else "111111")
    learner.get_by_role("button", name="Join").click()
    expect(learner.get_by_role("alert")).to_contain_text("That passcode is not right")
    assert not Participant.objects.exists()

    learner.goto(f"{base}/sessions/join/{session.pk}.forged/")
    expect(learner.get_by_role("heading", name="This link is not recognised")).to_be_visible()
    learner.goto(f"{base}/rooms/{session.pk}/")
    expect(learner.get_by_role("heading", level=1)).to_contain_text("cannot join")

    host = host_page(browser, base, cast.teacher, session)
    host.get_by_role("button", name="Lock the room").click()
    expect(host.get_by_role("button", name="Unlock the room")).to_be_visible()
    learner.goto(f"{base}/sessions/join/{token}/")
    learner.get_by_label("Passcode").fill(session.passcode)
    learner.get_by_role("button", name="Join").click()
    expect(learner.get_by_role("alert")).to_contain_text("The room is locked")
    assert not Participant.objects.filter(role="learner").exists()
    host.context.close()
    learner.context.close()
