"""When the call ends for someone (the host ends it, removes them, or they leave), their
camera and microphone stop, and the screen they are left on offers to report a worry
(ROOM-8, ROOM-9)."""

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from chaperon.rooms.models import Participant, RoomEvent
from chaperon.sessions.invitations import join_token
from chaperon.sessions.models import Invitation, Session
from tests.browser_support import assert_accessible
from tests.conftest import Cast

from .browsing import (
    LOCAL_MEDIA,
    PEER_STATES,
    eventually,
    in_a_call,
    receiving,
    waiting_on_link,
)
from .helpers import invitation, learner_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _camera_off(page: Page) -> None:
    """Every local track ended and the preview emptied."""
    eventually(lambda: set(page.evaluate(LOCAL_MEDIA)["tracks"]) == {"ended"}, timeout=15)
    media = page.evaluate(LOCAL_MEDIA)
    assert len(media["tracks"]) == 2 and not media["preview"]
    assert page.evaluate(PEER_STATES) == []


@pytest.mark.clause("ROOM-8")
@pytest.mark.clause("ROOM-9")
def test_cameras_stop_on_removal_and_on_the_end_and_everyone_may_report(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    host, learner = in_a_call(browser, base, cast)
    session = Session.objects.get()
    parent_token = join_token(invitation(session, Invitation.Role.GUARDIAN, cast.guardian.pk))
    parent = waiting_on_link(browser, base, session, parent_token)
    host.get_by_role("button", name="Admit Morgan Alder").click()
    parent.get_by_role("button", name="I understand and agree").click()
    receiving(parent, peers=2)

    # The host removes the parent: their camera and microphone stop at once.
    host.get_by_role("button", name="Remove Morgan Alder").click()
    _camera_off(parent)
    expect(parent.get_by_role("heading", name="You are no longer in the session")).to_be_visible()
    report = parent.get_by_role("link", name="Report a worry about this session")
    expect(report).to_have_attribute("href", f"/report/session/{parent_token}/")
    assert_accessible(parent)

    # The host ends the session: the learner's camera, and the host's own, stop too.
    host.once("dialog", lambda dialog: Dialog.accept(dialog))
    host.get_by_role("button", name="End the session for everyone").click()
    for page in (learner, host):
        _camera_off(page)
        expect(page.get_by_role("heading", name="The session has ended")).to_be_visible()
        expect(page.locator("#controls")).to_be_hidden()
    expect(learner.locator("#ended-text")).to_have_text("The host has ended the session.")
    assert_accessible(learner)
    expect(host.get_by_role("link", name="Report a worry about this session")).to_have_attribute(
        "href", f"/concerns/new/?session={session.pk}"
    )
    learner.get_by_role("link", name="Report a worry about this session").click()
    expect(learner).to_have_url(f"{base}/report/session/{learner_token(session, cast.learner)}/")
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Report a worry")
    for page in (host, learner, parent):
        page.context.close()


# A message and the close straight after it, as a tab closed at once: both arrive while the
# server is still handling the message, and the connection is gone before it answers.
SEND_AND_GO = """() => {
  const socket = window.chaperonRoom.socket;
  socket.send(JSON.stringify({type: "chat", text: "bye"}));
  socket.close(1000);
}"""


def test_a_browser_gone_straight_after_its_last_message_is_not_left_in_the_room(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    host, learner = in_a_call(browser, asgi_live_server, cast)
    learner.evaluate(SEND_AND_GO)

    # The message is handled, and so is the disconnect after it: the host no longer sees the
    # learner in the room.
    expect(host.locator("#chat-log")).to_contain_text("bye")
    expect(host.locator("#people-list")).not_to_contain_text("Robin Alder")
    eventually(lambda: not Participant.objects.get(role="learner").connected)
    assert RoomEvent.objects.filter(kind="disconnected").count() == 1
    host.context.close()
    learner.context.close()
