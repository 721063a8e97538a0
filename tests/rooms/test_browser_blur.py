"""Background blur in Chromium with a fake camera (SES-14): the bundled model runs (WebGL through
SwiftShader, with the GPU disabled), the preview is blurred when the switch is on, the check
keeps the choice, and the room sends that member of staff's camera blurred; a model that does
not load leaves blur unavailable, which the page says and the check keeps."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from chaperon.rooms.models import Participant
from chaperon.sessions.models import PreCallCheck
from tests.browser_support import assert_accessible
from tests.conftest import Cast

from .browsing import phone_context
from .helpers import booked, staff_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("SES-14"),
]

# How sharp a video's picture is: the mean difference in brightness between neighbouring pixels
# in its top quarter, where the fake camera's pattern has edges and no person is found. A
# blurred picture has far less of it.
SHARPNESS = """(id) => {
  const video = document.getElementById(id);
  const width = video.videoWidth, height = video.videoHeight;
  if (!width || !height) { return {sharpness: 0, brightness: 0}; }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.drawImage(video, 0, 0, width, height);
  const rows = Math.floor(height / 4);
  const data = context.getImageData(0, 0, width, rows).data;
  const light = (i) => 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  let total = 0, count = 0;
  for (let y = 0; y < rows; y += 1) {
    for (let x = 1; x < width; x += 1) {
      const i = (y * width + x) * 4;
      total += Math.abs(light(i) - light(i - 4));
      count += 1;
    }
  }
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) { sum += light(i); }
  return {sharpness: total / count, brightness: sum / (data.length / 4)};
}"""

CHECKLIST = (
    "I am not in a bedroom",
    "What is behind me is appropriate",
    "Other applications are closed",
)


def _signed_in(browser: Browser, base: str, cast: Cast) -> Page:
    """The teacher, the session's host, signed in on a phone."""
    context = phone_context(browser)
    context.add_cookies([{"name": "sessionid", "value": staff_cookie(cast.teacher), "url": base}])
    return context.new_page()


def _sharpness(page: Page, video: str) -> float:
    """The sharpness of what ``video`` shows, once it shows a picture, over a few frames (the
    fake pattern moves)."""
    page.wait_for_function(f"(id) => ({SHARPNESS})(id).brightness > 20", arg=video, timeout=30000)
    readings: list[Any] = []
    for _ in range(5):
        page.wait_for_timeout(200)
        readings.append(page.evaluate(SHARPNESS, video))
    assert all(reading["brightness"] > 20 for reading in readings), readings
    return sum(reading["sharpness"] for reading in readings) / len(readings)


def _go_in(page: Page) -> None:
    for label in CHECKLIST:
        page.get_by_label(label, exact=False).check()
    page.get_by_role("button", name="Go into the room").click()


def test_blur_on_blurs_the_preview_is_kept_and_goes_to_the_room(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    session = booked(cast, checked=False)
    page = _signed_in(browser, base, cast)
    page.goto(f"{base}/rooms/{session.pk}/check/")
    switch = page.get_by_role("switch", name="Blur my background")
    expect(page.locator("#blur-result")).to_contain_text("Background blur is ready", timeout=30000)
    expect(switch).to_be_enabled()
    expect(switch).not_to_be_checked()
    sharp = _sharpness(page, "check-video")

    switch.check()
    expect(page.locator("#blur-result")).to_contain_text("Your background is blurred")
    blurred = _sharpness(page, "check-video")
    assert blurred < sharp / 2, (sharp, blurred)
    assert page.evaluate("window.chaperonCheck.blur") == "on"
    assert_accessible(page)

    switch.uncheck()  # off again: the preview is the camera as it is
    expect(page.locator("#blur-result")).to_contain_text("Background blur is off")
    assert page.evaluate("window.chaperonCheck.blur") == "off"
    switch.check()
    _go_in(page)
    # The room starts the camera blurred before it connects: the model loads first.
    expect(page.locator("#host-panel")).to_be_visible(timeout=30000)
    check = PreCallCheck.objects.get()
    assert check.blur == "on"
    assert Participant.objects.get(user=cast.teacher).stay_id is not None

    # In the room, the camera this member of staff sends is the blurred canvas, with the sound.
    kinds = page.evaluate(
        "() => window.chaperonRoom.local.getTracks().map((t) => [t.kind, t.readyState])"
    )
    assert sorted(kinds) == [["audio", "live"], ["video", "live"]]
    assert _sharpness(page, "local-video") < sharp / 2
    page.context.close()


def test_a_model_that_does_not_load_leaves_blur_unavailable_and_the_check_goes_on(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    session = booked(cast, checked=False)
    page = _signed_in(browser, base, cast)
    asked: list[str] = []

    def missing(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=404, body="Not found")

    page.route("**/selfie_segmentation_landscape.tflite", missing)
    page.goto(f"{base}/rooms/{session.pk}/check/")
    expect(page.locator("#blur-result")).to_have_text(
        "Background blur is not available on this device: choose a plain background, or a "
        "place where nothing personal shows, and carry on.",
        timeout=45000,
    )
    assert asked, "the page never asked for the model"
    expect(page.get_by_role("switch", name="Blur my background")).to_be_disabled()
    assert page.evaluate("window.chaperonCheck.blur") == "unavailable"
    expect(page.locator("#camera-result")).to_contain_text("Your camera works")
    assert_accessible(page)
    _go_in(page)
    expect(page.locator("#host-panel")).to_be_visible()
    assert PreCallCheck.objects.get().blur == "unavailable"
    page.context.close()
