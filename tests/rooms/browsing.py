"""Driving the live room in Chromium: pages for the host, other staff and learners, and the
steps every browser test of the room takes (admit, agree, start, media flowing)."""

import time

from playwright.sync_api import Browser, BrowserContext, Page, expect

from chaperon.people.models import Learner, User
from chaperon.sessions.models import Session
from tests.conftest import Cast

from .helpers import booked, learner_token, pre_call_checked, staff_cookie

# The bytes each of this page's peer connections has received.
INBOUND_BYTES = """async () => {
  const room = window.chaperonRoom;
  if (!room) { return []; }
  const totals = [];
  for (const peer of room.peers.values()) {
    const stats = await peer.pc.getStats();
    let bytes = 0;
    stats.forEach((report) => {
      if (report.type === "inbound-rtp") { bytes += report.bytesReceived || 0; }
    });
    totals.push(bytes);
  }
  return totals;
}"""

# This page's own camera and microphone: each track's state, and whether the preview shows.
LOCAL_MEDIA = """() => ({
  tracks: window.chaperonRoom.local.getTracks().map((track) => track.readyState),
  preview: document.getElementById("local-video").srcObject !== null,
})"""

# The connection state of each of this page's peer connections.
PEER_STATES = """() => Array.from(window.chaperonRoom.peers.values())
  .map((peer) => peer.pc.connectionState)"""


def phone_context(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")


def staff_page(browser: Browser, base: str, user: User, session: Session) -> Page:
    """``user`` signed in, their pre-call check done, on the room page."""
    pre_call_checked(user, session)
    context = phone_context(browser)
    context.add_cookies([{"name": "sessionid", "value": staff_cookie(user), "url": base}])
    page = context.new_page()
    page.goto(f"{base}/rooms/{session.pk}/")
    return page


def host_page(browser: Browser, base: str, host: User, session: Session) -> Page:
    page = staff_page(browser, base, host, session)
    expect(page.locator("#host-panel")).to_be_visible()
    return page


def learner_at_door(browser: Browser, base: str, token: str) -> Page:
    page = phone_context(browser).new_page()
    page.goto(f"{base}/sessions/join/{token}/")
    return page


def learner_waiting(browser: Browser, base: str, session: Session, learner: Learner) -> Page:
    """The learner opened their link and entered the passcode: they wait to be let in."""
    return waiting_on_link(browser, base, session, learner_token(session, learner))


def waiting_on_link(browser: Browser, base: str, session: Session, token: str) -> Page:
    """Someone opened the join link ``token`` and entered the passcode: they wait."""
    page = learner_at_door(browser, base, token)
    page.get_by_label("Passcode").fill(session.passcode)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#waiting-panel")).to_be_visible()
    return page


def admit_and_agree(host: Page, guest: Page, name: str, *, comfortable: bool = False) -> None:
    host.get_by_role("button", name=f"Admit {name}").click()
    expect(guest.locator("#agreement-panel")).to_be_visible()
    if comfortable and guest.locator("#comfort-fieldset").count():
        guest.get_by_label("Yes, I am comfortable being recorded").check()
    guest.get_by_role("button", name="I understand and agree").click()
    expect(guest.locator("#prestart-panel")).to_be_visible()


def start(host: Page, *, named_adult: str | None = None) -> None:
    if named_adult:
        host.get_by_label(f"I have confirmed that {named_adult} is present in the house").check()
    host.get_by_role("button", name="Start the session").click()
    expect(host.locator("#timer")).to_be_visible()


def receiving(page: Page, *, peers: int = 1, timeout: float = 20) -> list[int]:
    """Wait until media arrives on each of ``peers`` connections."""
    deadline = time.monotonic() + timeout
    totals: list[int] = []
    while time.monotonic() < deadline:
        totals = page.evaluate(INBOUND_BYTES)
        if len(totals) >= peers and all(total > 0 for total in totals):
            return totals
        page.wait_for_timeout(200)
    raise AssertionError(f"no media received: {totals}")


def eventually(check: object, *, timeout: float = 10, step: float = 0.1) -> None:
    """Wait until ``check()`` is true (for what the server writes after the page shows it)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        time.sleep(step)


def in_a_call(
    browser: Browser, base: str, cast: Cast, *, recording: bool = False
) -> tuple[Page, Page]:
    """A 1:1 with Robin, started, media flowing both ways."""
    session = booked(cast, recording=recording)
    host = host_page(browser, base, cast.teacher, session)
    learner = learner_waiting(browser, base, session, cast.learner)
    admit_and_agree(host, learner, "Robin Alder", comfortable=True)
    start(host, named_adult="Morgan Alder")
    receiving(host)
    receiving(learner)
    return host, learner
