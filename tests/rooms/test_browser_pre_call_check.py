"""The pre-call check in Chromium with a fake camera and microphone (SES-14): the preview, the
level meter, the room's server and a relay candidate from the test's own coturn, the checklist,
and the check kept with the host's attendance."""

import pytest
from django.conf import LazySettings
from playwright.sync_api import Browser, expect

from chaperon.rooms.models import Participant
from chaperon.sessions.models import PreCallCheck, SessionAttendance
from tests.browser_support import assert_accessible
from tests.conftest import Cast
from tests.turn_support import TurnServer

from .browsing import phone_context
from .helpers import booked, staff_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("SES-14"),
]

# Whether the preview shows the camera, and the meter's highest reading so far.
PREVIEW = """() => {
  const video = document.getElementById("check-video");
  return {playing: video.srcObject !== null && video.videoWidth > 0,
          level: Number(document.getElementById("level-meter").value)};
}"""


def test_the_host_checks_their_setting_then_enters_and_the_check_is_kept(
    browser: Browser,
    asgi_live_server: str,
    cast: Cast,
    settings: LazySettings,
    turn_server: TurnServer,
) -> None:
    settings.ROOM_TURN_URLS = turn_server.urls
    settings.ROOM_TURN_SECRET = turn_server.secret
    base = asgi_live_server
    session = booked(cast, checked=False)
    context = phone_context(browser)
    context.add_cookies([{"name": "sessionid", "value": staff_cookie(cast.teacher), "url": base}])
    page = context.new_page()
    page.goto(f"{base}/rooms/{session.pk}/")
    expect(page).to_have_url(f"{base}/rooms/{session.pk}/check/")
    expect(page.get_by_role("heading", name="Before you go in: check your setting")).to_be_visible()

    expect(page.locator("#camera-result")).to_contain_text("Your camera works")
    expect(page.locator("#signalling-result")).to_have_text("The room's server answers.")
    expect(page.locator("#relay-result")).to_contain_text("The relay (TURN) server answers")
    # Blur is offered once the model runs here; it is off until chosen (test_browser_blur.py).
    expect(page.locator("#blur-result")).to_contain_text("Background blur is ready", timeout=30000)
    expect(page.get_by_label("Blur my background")).not_to_be_checked()
    page.get_by_role("heading", name="Camera and microphone").click()  # a gesture, for sound
    expect(page.get_by_role("status")).to_have_text("We can hear your microphone.", timeout=15000)
    preview = page.evaluate(PREVIEW)
    assert preview["playing"]
    expect(page.get_by_label("Microphone level")).to_be_visible()
    assert_accessible(page)

    # The checklist is needed: one box left unticked is refused, naming it.
    page.get_by_label("I am not in a bedroom").check()
    page.get_by_label("Other applications are closed", exact=False).check()
    page.get_by_role("button", name="Go into the room").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm that what is behind you is")
    assert not PreCallCheck.objects.exists()
    assert_accessible(page)

    expect(page.locator("#signalling-result")).to_have_text("The room's server answers.")
    # The page checks again after the refusal: the microphone is heard before it is sent.
    expect(page.get_by_role("status")).to_have_text("We can hear your microphone.", timeout=15000)
    expect(page.locator("#relay-result")).to_contain_text("The relay (TURN) server answers")
    page.get_by_label("I am not in a bedroom").check()
    page.get_by_label("What is behind me is appropriate", exact=False).check()
    page.get_by_label("Other applications are closed", exact=False).check()
    page.get_by_role("button", name="Go into the room").click()
    expect(page.locator("#host-panel")).to_be_visible()

    check = PreCallCheck.objects.get()
    assert check.user_id == cast.teacher.pk
    assert (check.camera, check.microphone, check.signalling) == (True, True, True)
    assert check.relay == "reached"
    assert check.not_bedroom and check.background_appropriate and check.applications_closed
    assert check.blur == "off"
    host = Participant.objects.get(user=cast.teacher)
    assert host.stay_id is not None
    assert SessionAttendance.objects.get(pk=host.stay_id).pre_call_check_id == check.pk
    # The relay test's credential was the member of staff's (c<user id>), not a room's.
    assert f":c{cast.teacher.pk}>" in turn_server.log_text()
    context.close()
