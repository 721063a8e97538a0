"""Media through TURN: a coturn of the test's own on loopback, the room set to relay only
(``ROOM_ICE_TRANSPORT_POLICY=relay``), and two people the host admitted still see and hear
each other, every packet relayed by coturn with the credentials Chaperon gave them."""

import re

import pytest
from django.conf import LazySettings
from playwright.sync_api import Browser, Page

from chaperon.rooms.models import Participant
from tests.conftest import Cast
from tests.turn_support import TurnServer

from .browsing import in_a_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALLOCATED = re.compile(r"user <\d+:(p\d+)>: incoming packet ALLOCATE processed, success")

# Each peer connection's selected candidate pair (local and remote candidate types), and what
# arrived on it: bytes, and video frames decoded.
SELECTED_PAIRS = """async () => {
  const out = [];
  for (const peer of window.chaperonRoom.peers.values()) {
    const stats = await peer.pc.getStats();
    const byId = new Map();
    stats.forEach((report) => byId.set(report.id, report));
    let pair = null, bytes = 0, frames = 0;
    stats.forEach((report) => {
      if (report.type === "transport" && report.selectedCandidatePairId) {
        pair = byId.get(report.selectedCandidatePairId);
      }
      if (report.type === "inbound-rtp") {
        bytes += report.bytesReceived || 0;
        if (report.kind === "video") { frames += report.framesDecoded || 0; }
      }
    });
    out.push({
      local: pair ? byId.get(pair.localCandidateId).candidateType : null,
      remote: pair ? byId.get(pair.remoteCandidateId).candidateType : null,
      policy: peer.pc.getConfiguration().iceTransportPolicy,
      bytes: bytes,
      frames: frames,
    });
  }
  return out;
}"""


def _relayed(page: Page) -> list[dict[str, object]]:
    """Wait until this page's call has decoded video on a relayed pair; the pairs."""
    pairs: list[dict[str, object]] = []
    for _ in range(100):
        pairs = page.evaluate(SELECTED_PAIRS)
        if pairs and all(p["local"] == "relay" and int(str(p["frames"])) > 0 for p in pairs):
            return pairs
        page.wait_for_timeout(200)
    raise AssertionError(f"no relayed video: {pairs}")


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-3")
def test_relay_only_media_reaches_both_people_through_coturn(
    browser: Browser,
    asgi_live_server: str,
    cast: Cast,
    settings: LazySettings,
    turn_server: TurnServer,
) -> None:
    settings.ROOM_TURN_URLS = turn_server.urls
    settings.ROOM_TURN_SECRET = turn_server.secret
    settings.ROOM_TURN_CREDENTIAL_MINUTES = 60
    settings.ROOM_ICE_TRANSPORT_POLICY = "relay"
    host, learner = in_a_call(browser, asgi_live_server, cast)
    for page in (host, learner):
        (pair,) = _relayed(page)
        assert pair["policy"] == "relay"
        # The far end is the other page's relay: named "relay" once its candidate arrived by
        # signalling, or peer-reflexive when coturn's checks came first.
        assert pair["remote"] in ("relay", "prflx")
        assert int(str(pair["bytes"])) > 0
    # coturn allocated relays for both people, each with the credential Chaperon gave them.
    log = turn_server.log_text()
    allocated = set(ALLOCATED.findall(log))
    ids = Participant.objects.values_list("pk", flat=True)
    assert {f"p{pk}" for pk in ids} <= allocated, log[-3000:]
    host.context.close()
    learner.context.close()
