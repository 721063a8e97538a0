"""The browser half of the live-room benchmark: Debian's Chromium with fake cameras, driven by
Playwright (the browser's own build is never downloaded).

* ``capture_webm``: a few seconds of WebM from MediaRecorder, as a room page records its
  camera and microphone, for the load generator to replay.
* ``join_to_frame``: a host and a learner in two browser contexts; the learner joins the call
  again and again, and the page itself times, with ``performance.now()``, from pressing
  "I understand and agree" (the learner has been admitted: their client now joins the call) to
  the first frame of the host's video shown (``requestVideoFrameCallback``), so Playwright's
  round trips are not in the figure. ``getStats`` (first decoded frame, polled every 5 ms) is
  kept beside it as a check.
"""

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from rooms_setup import Booked

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
]
TIMEOUT_MS = 20_000

# Runs in the learner's pages before the room's own script.
TIMING_SCRIPT = """(() => {
  const bench = window.chaperonBench = {
    pressed: null, offered: null, connected: null, frame: null, decoded: null };
  document.addEventListener("submit", (event) => {
    if (event.target && event.target.id === "agreement-form" && bench.pressed === null) {
      bench.pressed = performance.now();
      pollStats();
    }
  }, true);
  const watch = (video) => {
    if (video.chaperonBenchWatched || video.id === "local-video") { return; }
    video.chaperonBenchWatched = true;
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback(() => {
        if (bench.frame === null) { bench.frame = performance.now(); }
      });
    }
  };
  new MutationObserver(() => { document.querySelectorAll("video").forEach(watch); })
    .observe(document, { childList: true, subtree: true });
  function pollStats() {
    const started = performance.now();
    const tick = async () => {
      const room = window.chaperonRoom;
      if (room) {
        for (const peer of room.peers.values()) {
          if (bench.offered === null) { bench.offered = performance.now(); }
          if (bench.connected === null && peer.pc.connectionState === "connected") {
            bench.connected = performance.now();
          }
          const stats = await peer.pc.getStats();
          stats.forEach((report) => {
            if (report.type === "inbound-rtp" && report.kind === "video" &&
                report.framesDecoded > 0 && bench.decoded === null) {
              bench.decoded = performance.now();
            }
          });
        }
      }
      if (bench.decoded === null && performance.now() - started < 20000) { setTimeout(tick, 5); }
    };
    tick();
  }
})();"""

CAPTURE_SCRIPT = """async ([seconds, bitsPerSecond]) => {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: true });
  const type = MediaRecorder.isTypeSupported("video/webm;codecs=vp8,opus") ?
    "video/webm;codecs=vp8,opus" : "video/webm";
  const recorder = new MediaRecorder(stream, { mimeType: type, bitsPerSecond });
  const chunks = [];
  const done = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.ondataavailable = (event) => { if (event.data.size > 0) { chunks.push(event.data); } };
  recorder.start(1000);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  recorder.stop();
  await done;
  stream.getTracks().forEach((track) => track.stop());
  const encoded = [];
  for (const chunk of chunks) {
    const bytes = new Uint8Array(await chunk.arrayBuffer());
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    encoded.push(btoa(text));
  }
  return { type, chunks: encoded };
}"""


@dataclass
class BrowserResults:
    webm_type: str = ""
    chunks: list[bytes] = field(default_factory=list)
    frame_ms: list[float] = field(default_factory=list)  # requestVideoFrameCallback
    decoded_ms: list[float] = field(default_factory=list)  # getStats framesDecoded > 0
    offered_ms: list[float] = field(default_factory=list)  # the host's offer has arrived
    connected_ms: list[float] = field(default_factory=list)  # ICE and DTLS connected


def _launch(playwright: Any) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    browser: Browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    return browser


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context


def capture_webm(browser: Browser, base: str, seconds: float, bits_per_second: int) -> Any:
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(f"{base}/")  # any page of ours: a secure context on loopback
        return page.evaluate(CAPTURE_SCRIPT, [seconds, bits_per_second])
    finally:
        context.close()


def _join_once(
    learner: Page, host: Page, base: str, room: Booked, *, first: bool
) -> dict[str, float]:
    """The learner comes through the door, is admitted, presses "agree" and sees the host."""
    learner.goto(f"{base}/sessions/join/{room.learner_token}/")
    learner.get_by_label("Passcode").fill(room.passcode)
    learner.get_by_role("button", name="Join").click()
    expect(learner.locator("#waiting-panel")).to_be_visible()
    host.get_by_role("button", name=f"Admit {room.learner_name}").click()
    expect(learner.locator("#agreement-panel")).to_be_visible()
    learner.get_by_role("button", name="I understand and agree").click()
    if first:  # the 1:1 starts once the learner has agreed (warm-up: not counted)
        expect(host.locator("#start-form")).to_be_visible()
        host.locator("#adult-present").check()
        host.get_by_role("button", name="Start the session").click()
    learner.wait_for_function(
        "() => window.chaperonBench.frame !== null && window.chaperonBench.decoded !== null",
        timeout=TIMEOUT_MS,
    )
    timing = learner.evaluate("() => window.chaperonBench")
    phases = {
        phase: float(timing[phase] - timing["pressed"])
        for phase in ("offered", "connected", "frame", "decoded")
        if timing[phase] is not None
    }
    # Leave, and wait until the host's page no longer shows the learner in the call.
    learner.get_by_role("button", name="Leave and report").click()
    expect(host.locator("#people-list")).not_to_contain_text(room.learner_name)
    return phases


def run(
    base: str,
    room: Booked,
    *,
    joins: int,
    capture_seconds: float,
    bits_per_second: int,
    progress: Callable[[str], None],
) -> BrowserResults:
    results = BrowserResults()
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            captured = capture_webm(browser, base, capture_seconds, bits_per_second)
            results.webm_type = str(captured["type"])
            results.chunks = [base64.b64decode(chunk) for chunk in captured["chunks"]]
            size = sum(len(chunk) for chunk in results.chunks)
            progress(
                f"captured {len(results.chunks)} chunks of {results.webm_type}, "
                f"{size * 8 / capture_seconds / 1000:.0f} kbit/s"
            )
            host_context, learner_context = _context(browser), _context(browser)
            host_context.add_cookies(
                [{"name": "sessionid", "value": room.host_cookie, "url": base}]
            )
            learner_context.add_init_script(TIMING_SCRIPT)
            host = host_context.new_page()
            host.goto(f"{base}/rooms/{room.session_id}/")
            expect(host.locator("#host-panel")).to_be_visible()
            learner = learner_context.new_page()
            started = time.monotonic()
            for attempt in range(joins + 1):
                phases = _join_once(learner, host, base, room, first=attempt == 0)
                frame = phases["frame"]
                if attempt == 0:
                    progress(f"warm-up join: first frame after {frame:.0f} ms (not counted)")
                    continue
                results.frame_ms.append(frame)
                results.decoded_ms.append(phases["decoded"])
                if "offered" in phases and "connected" in phases:
                    results.offered_ms.append(phases["offered"])
                    results.connected_ms.append(phases["connected"])
                progress(
                    f"join {attempt}/{joins}: first remote frame {frame:.0f} ms (offer "
                    f"{phases.get('offered', -1):.0f}, connected {phases.get('connected', -1):.0f}"
                    f", decoded {phases['decoded']:.0f} ms)"
                )
                if time.monotonic() - started > 20 * (joins + 1):
                    progress("stopping the joins: over their time budget")
                    break
            host_context.close()
            learner_context.close()
        finally:
            browser.close()
    return results
