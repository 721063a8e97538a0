"""The DSL plays a recording in a real browser: a reason first, then the tracks side by side,
streamed from the vault with byte ranges; the page passes axe-core's WCAG 2.2 AA rules."""

import base64

import pytest
from playwright.sync_api import Page, expect

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

from .helpers import make_recording

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("LOG-2"),
]

# Records two seconds of a moving picture with the browser's own MediaRecorder, as the live
# room does, and hands back the WebM bytes.
RECORD_WEBM = """
async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 120;
  const context = canvas.getContext("2d");
  const stream = canvas.captureStream(25);
  const recorder = new MediaRecorder(stream, {mimeType: "video/webm;codecs=vp8"});
  const parts = [];
  recorder.ondataavailable = (event) => parts.push(event.data);
  let frame = 0;
  const timer = setInterval(() => {
    context.fillStyle = `hsl(${(frame * 12) % 360}, 70%, 50%)`;
    context.fillRect(0, 0, 160, 120);
    context.fillStyle = "#fff";
    context.fillRect((frame * 4) % 160, 40, 20, 20);
    frame += 1;
  }, 40);
  recorder.start(250);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  recorder.stop();
  await new Promise((resolve) => { recorder.onstop = resolve; });
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
  return btoa(text);
}
"""


def test_the_dsl_gives_a_reason_and_the_recording_plays(
    cast: Cast, live_server, page: Page
) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    webm = base64.b64decode(page.evaluate(RECORD_WEBM))
    assert webm[:4] == b"\x1a\x45\xdf\xa3"  # an EBML (WebM) header
    recording = make_recording(cast, tracks=[webm, webm])

    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/recordings/{recording.pk}/")
    expect(page.get_by_role("heading", name="Recording: Year 8 science catch-up")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need to watch this recording?").fill(
        "Reviewing the concern raised after this lesson"
    )
    page.get_by_role("button", name="Play the recording").click()
    expect(page.get_by_role("heading", name="Playing: Year 8 science catch-up")).to_be_visible()
    assert page.locator("video").count() == 2
    assert_accessible(page)

    page.get_by_role("button", name="Play all").click()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('video'))"
        ".every((video) => video.readyState >= 2 && video.currentTime > 0.2)",
        timeout=15_000,
    )
    [played] = AuditEvent.objects.filter(action=AuditAction.RECORDING_PLAYED)
    assert played.actor_id == cast.dsl.pk
    assert played.reason == "Reviewing the concern raised after this lesson"


def test_the_recordings_page_is_accessible_on_a_phone(cast: Cast, live_server, page: Page) -> None:
    make_recording(cast, tracks=[b"\x1a\x45\xdf\xa3"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/recordings/")
    expect(page.get_by_role("heading", name="Recordings", exact=True)).to_be_visible()
    assert_accessible(page)


LENGTHS = """
() => {
  const videos = Array.from(document.querySelectorAll("video"));
  const slider = document.querySelector("[data-player-position]");
  return {
    durations: videos.map((video) => video.duration),
    at: videos.map((video) => video.currentTime),
    max: parseFloat(slider.max),
    value: parseFloat(slider.value),
  };
}
"""


def test_the_slider_knows_how_long_the_recording_is(cast: Cast, live_server, page: Page) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    webm = base64.b64decode(page.evaluate(RECORD_WEBM))
    recording = make_recording(cast, tracks=[webm, webm])
    client = signed_in(cast.dsl)
    sign_in_page(page, live_server.url, client.cookies["sessionid"].value)
    page.goto(f"{live_server.url}/recordings/{recording.pk}/")
    page.get_by_label("Why do you need to watch this recording?").fill("Reviewing a concern")
    page.get_by_role("button", name="Play the recording").click()
    expect(page.get_by_role("heading", name="Playing: Year 8 science catch-up")).to_be_visible()
    # A recorder's WebM names no length: the page has the browser find it, and puts each
    # video back at its start.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('video'))"
        ".every((video) => isFinite(video.duration) && video.duration > 1"
        " && video.currentTime === 0)",
        timeout=20_000,
    )
    lengths = page.evaluate(LENGTHS)
    assert all(1.5 < duration < 3 for duration in lengths["durations"])
    assert lengths["at"] == [0, 0]
    assert 1.5 < lengths["max"] < 3  # the slider spans the recording ...
    assert lengths["value"] == 0  # ... and starts at its start, not its end
