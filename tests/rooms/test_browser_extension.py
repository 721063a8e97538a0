"""More time in the live room, approved by someone the policy names (SES-3): the host asks,
a senior leader approves it from their dashboard while the host waits, and the room moves
its end; the session's page names who approved. The folded extend form leaves the videos in
view."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from chaperon.core.models import EmailDelivery
from chaperon.rooms.models import Room, RoomExtension
from tests.browser_support import assert_accessible
from tests.conftest import Cast

from .browsing import admit_and_agree, learner_waiting, receiving, start
from .helpers import booked, pre_call_checked, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on_a_laptop(browser: Browser, base: str, cookie: str, path: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    page.goto(f"{base}{path}")
    return page


@pytest.mark.clause("SES-3")
def test_a_senior_leader_approves_more_time_while_the_host_waits(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    session = booked(cast)
    pre_call_checked(cast.teacher, session)
    host = _on_a_laptop(browser, base, staff_cookie(cast.teacher), f"/rooms/{session.pk}/")
    expect(host.locator("#host-panel")).to_be_visible()
    learner = learner_waiting(browser, base, session, cast.learner)
    admit_and_agree(host, learner, "Robin Alder")
    start(host, named_adult="Morgan Alder")
    receiving(host)

    # The extend form is folded: the videos stay in view on a laptop.
    videos_top = host.evaluate(
        "() => document.getElementById('videos').getBoundingClientRect().top"
    )
    assert videos_top < 720 / 2
    before = Room.objects.get().ends_at
    assert before is not None

    host.get_by_text("Extend the session").click()
    host.get_by_label("Extra minutes").fill("10")
    host.get_by_label("Reason (kept with the session)").fill(
        "Robin is in the middle of telling me something important."
    )
    host.get_by_role("button", name="Extend").click()
    expect(host.locator("#extension-status")).to_have_text(
        "Waiting for a senior leader or the Designated Safeguarding Lead to approve 10 more "
        "minutes. They have been emailed; the session ends at its time unless one of them "
        "approves."
    )
    expect(host.locator("#extend-box")).to_be_hidden()
    assert Room.objects.get().ends_at == before
    asked = EmailDelivery.objects.filter(purpose="room_extension", to=cast.slt.email).get()
    assert f"/sessions/{session.pk}/" in asked.text
    assert_accessible(host)

    # A senior leader sees it on their dashboard and approves it.
    approver = _on_a_laptop(browser, base, staff_cookie(cast.slt), "/dashboard/")
    approver.get_by_role("link", name="Careers chat").first.click()
    expect(approver.get_by_role("heading", name="Exception asked for")).to_be_visible()
    expect(approver.locator("main")).to_contain_text("Run the live session 10 minutes longer")
    approver.get_by_label("Your reason").fill("Yes: let them finish what they are saying.")
    approver.get_by_role("button", name="Approve").click()

    # The room is told: the host sees who approved, and everyone's countdown moves.
    expect(host.locator("#extension-status")).to_have_text("Sam Laurel approved 10 more minutes.")
    for page in (host, learner):
        expect(page.locator("#timer-value")).to_have_text(re.compile(r"^(4[5-9]|50):\d\d$"))
    room = Room.objects.get()
    assert room.ends_at is not None and before is not None
    assert (room.ends_at - before).total_seconds() == 600
    assert RoomExtension.objects.get().status == "approved"
    approver.goto(f"{base}/sessions/{session.pk}/")
    expect(approver.locator("main")).to_contain_text("Exception approved by Sam Laurel")
    for page in (host, learner, approver):
        page.context.close()
