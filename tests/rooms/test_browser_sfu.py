"""A class on the media server: a Janus of the test's own on loopback, a host, a second member
of staff and four learners in Chromium with fake cameras. Media goes to and from the host
through Janus; learners see the staff, not each other, until the host allows it; a removed
learner is taken out of Janus's room at once; a learner's second video is refused; an
outsider with a valid Janus session cannot join the room's media."""

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import LazySettings
from playwright.sync_api import Browser, Page, expect

from chaperon.rooms.janus import JanusAdmin
from chaperon.rooms.models import Media, Participant, Presence, Room, RoomEvent
from chaperon.sessions.models import Session
from tests import factories
from tests.conftest import Cast
from tests.janus_support import JanusClient, JanusServer

from .browsing import admit_and_agree, eventually, host_page, learner_waiting, staff_page, start
from .helpers import booked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What this page receives through Janus, by participant: bytes and video frames decoded, and
# what it sends (its publication's bytes).
SFU_STATS = """async () => {
  const sfu = window.chaperonRoom.sfu.state;
  const received = {};
  const sub = sfu.sub;
  if (sub) {
    const stats = await sub.getStats();
    const byMid = new Map();
    sub.getTransceivers().forEach((t) => {
      if (t.mid !== null) { byMid.set(t.mid, sfu.mids[t.mid]); }
    });
    stats.forEach((report) => {
      if (report.type !== "inbound-rtp") { return; }
      const who = byMid.get(report.mid);
      if (who === undefined) { return; }
      const seen = received[who] || { bytes: 0, frames: 0, height: 0 };
      seen.bytes += report.bytesReceived || 0;
      if (report.kind === "video") {
        seen.frames += report.framesDecoded || 0;
        seen.height = Math.max(seen.height, report.frameHeight || 0);
      }
      received[who] = seen;
    });
  }
  let sent = 0;
  const layers = [];
  const pub = sfu.pub;
  if (pub) {
    (await pub.getStats()).forEach((report) => {
      if (report.type === "outbound-rtp") { sent += report.bytesSent || 0; }
      if (report.type === "outbound-rtp" && report.kind === "video") {
        layers.push(report.rid || "");
      }
    });
  }
  return { received: received, sent: sent, mids: sfu.mids, layers: layers.sort() };
}"""


@pytest.fixture
def on_sfu(settings: LazySettings, janus_server: JanusServer) -> JanusServer:
    config = janus_server.config
    settings.ROOM_SFU_HTTP_URL = config.http_url
    settings.ROOM_SFU_ADMIN_URL = config.admin_url
    settings.ROOM_SFU_WS_URL = config.ws_url
    settings.ROOM_SFU_ADMIN_SECRET = config.admin_secret
    settings.ROOM_SFU_ROOM_ADMIN_KEY = config.room_admin_key
    # Media only between the browsers' end of Janus's network and Janus (never loopback, which
    # Janus does not use, nor the machine's own interfaces).
    settings.ROOM_ICE_ONLY_ADDRESS = janus_server.browser_address
    return janus_server


# The addresses of the candidate pair each of this page's two connections to Janus chose.
SELECTED_ADDRESSES = """async () => {
  const out = [];
  const sfu = window.chaperonRoom.sfu.state;
  for (const pc of [sfu.pub, sfu.sub]) {
    if (!pc) { continue; }
    const stats = await pc.getStats();
    const byId = new Map();
    stats.forEach((report) => byId.set(report.id, report));
    stats.forEach((report) => {
      if (report.type === "transport" && report.selectedCandidatePairId) {
        const pair = byId.get(report.selectedCandidatePairId);
        const local = byId.get(pair.localCandidateId), remote = byId.get(pair.remoteCandidateId);
        out.push([local.address, remote.address]);
      }
    });
  }
  return out;
}"""


def _stats(page: Page) -> dict[str, Any]:
    return dict(page.evaluate(SFU_STATS))


def _receiving_from(page: Page, people: set[int], *, timeout: float = 30) -> dict[str, Any]:
    """Wait until this page decodes video from each of ``people``; its stats."""
    stats: dict[str, Any] = {}
    for _ in range(int(timeout * 5)):
        stats = _stats(page)
        got = {int(who) for who, seen in stats["received"].items() if seen["frames"] > 0}
        if people <= got:
            return stats
        page.wait_for_timeout(200)
    raise AssertionError(f"no video from {people}: {stats}")


def _receiving_thumbnails(page: Page, people: set[int], *, timeout: float = 30) -> None:
    """Wait until this page decodes each of ``people`` at 240 lines or fewer: the lower of
    their two layers, half the fake camera's 480 lines (or less, if the browser adapted)."""
    heights: dict[int, int] = {}
    for _ in range(int(timeout * 5)):
        received = _stats(page)["received"]
        heights = {who: received.get(str(who), {}).get("height", 0) for who in people}
        if all(0 < height <= 240 for height in heights.values()):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"not every thumbnail is at 240 lines or fewer: {heights}")


def _class(browser: Browser, base: str, cast: Cast) -> tuple[Session, Page, Page, list[Page]]:
    """The host, a second member of staff and four learners in a started group session."""
    learners = [cast.learner] + [
        factories.learner(cast.organisation, first_name=name) for name in ("Alex", "Sam", "Kit")
    ]
    for learner in learners[1:]:
        factories.guardian(cast.organisation, of=learner, full_name=f"Parent of {learner.pk}")
    session = booked(cast, kind="group", learners=learners)
    host = host_page(browser, base, cast.teacher, session)
    colleague = staff_page(browser, base, cast.teacher2, session)
    admit_and_agree(host, colleague, "Toni Marsh")
    pages = []
    for learner in learners:
        page = learner_waiting(browser, base, session, learner)
        admit_and_agree(host, page, learner.full_name)
        pages.append(page)
    start(host)
    return session, host, colleague, pages


def _pid(**lookup: Any) -> int:
    return int(Participant.objects.get(**lookup).pk)


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-3")
@pytest.mark.clause("ROOM-9")
@pytest.mark.clause("SES-4")
def test_a_class_through_janus_with_the_class_layout_and_a_removal(
    browser: Browser, asgi_live_server: str, cast: Cast, on_sfu: JanusServer
) -> None:
    _session, host, colleague, learners = _class(browser, asgi_live_server, cast)
    room = Room.objects.get()
    assert room.media == Media.SFU
    host_id = _pid(user=cast.teacher)
    colleague_id = _pid(user=cast.teacher2)
    learner_ids = set(
        Participant.objects.filter(role="learner", presence=Presence.ADMITTED).values_list(
            "pk", flat=True
        )
    )
    assert len(learner_ids) == 4

    # The host receives every learner's camera and the colleague's; the host's own media goes
    # out through Janus.
    stats = _receiving_from(host, learner_ids | {colleague_id})
    assert stats["sent"] > 0
    # Learners send two simulcast layers, and the host receives each learner's thumbnail.
    assert _stats(learners[0])["layers"] == ["h", "l"]
    # Media went between the browsers' end of Janus's own network and Janus, nowhere else.
    janus_address = urlsplit(on_sfu.config.http_url).hostname
    for page in (host, learners[0]):
        pairs = page.evaluate(SELECTED_ADDRESSES)
        assert len(pairs) == 2
        assert all(pair == [on_sfu.browser_address, janus_address] for pair in pairs), pairs
    # Janus may start a thumbnail on whichever layer's keyframe comes first; it is moved to
    # the thumbnail's layer at that layer's next keyframe, which the server asks for.
    _receiving_thumbnails(host, learner_ids)
    # A learner receives the staff, and no other learner.
    first = learners[0]
    stats = _receiving_from(first, {host_id, colleague_id})
    assert set(map(int, stats["mids"].values())) == {host_id, colleague_id}
    expect(first.locator("[data-sfu-tile]")).to_have_count(2)

    # Every feed Janus holds is one of the class's, published by Chaperon's server for them.
    admin = JanusAdmin(on_sfu.config)
    listed = admin.participants(room_id=room.pk)
    assert {int(p["display"]) for p in listed} == learner_ids | {host_id, colleague_id}

    # The host spotlights a learner: the others now see them too.
    spotlit = _pid(role="learner", invitation__person_id=cast.learner.pk)
    other = learners[1]
    host.get_by_role("button", name=f"Spotlight {cast.learner.full_name}").click()
    _receiving_from(other, {host_id, colleague_id, spotlit})
    assert Room.objects.get().spotlight_id == spotlit

    # The host removes that learner: Janus's room no longer holds their feed, and their tile
    # goes from the host's page.
    feed = Participant.objects.get(pk=spotlit).sfu_feed
    assert feed is not None
    host.get_by_role("button", name=f"Remove {cast.learner.full_name}").click()
    expect(host.locator("#people-list")).not_to_contain_text(cast.learner.full_name)
    # Janus dropped the feed as the removal committed, before any page was told of it: by the
    # time the host's list changed, nobody was receiving the learner any more.
    assert feed not in {int(p["id"]) for p in admin.participants(room_id=room.pk)}
    assert Participant.objects.get(pk=spotlit).presence == Presence.REMOVED
    expect(host.locator(f'[data-sfu-tile="{spotlit}"]')).to_have_count(0)
    expect(other.locator(f'[data-sfu-tile="{spotlit}"]')).to_have_count(0)
    expect(first.locator("#ended-panel")).to_be_visible()

    # The host ends the session: Janus's room is destroyed.
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="End the session for everyone").click()
    eventually(lambda: not admin.room_exists(room_id=room.pk))
    for page in (host, colleague, *learners):
        page.context.close()


@pytest.mark.clause("ROOM-4")
def test_a_learners_second_video_is_refused_on_the_sfu(
    browser: Browser, asgi_live_server: str, cast: Cast, on_sfu: JanusServer
) -> None:
    _session, host, colleague, learners = _class(browser, asgi_live_server, cast)
    learner = learners[0]
    me = _pid(role="learner", invitation__person_id=cast.learner.pk)
    _receiving_from(learner, {_pid(user=cast.teacher)})
    feed_before = Participant.objects.get(pk=me).sfu_feed
    # The page's publication offers a second video (a screen) and sends it to the server.
    learner.evaluate(
        """async () => {
          const pc = new RTCPeerConnection();
          const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
          stream.getTracks().forEach((t) => pc.addTransceiver(t, { direction: "sendonly" }));
          pc.addTransceiver(stream.getVideoTracks()[0].clone(), { direction: "sendonly" });
          await pc.setLocalDescription(await pc.createOffer());
          const sdp = pc.localDescription.sdp;
          window.chaperonRoom.socket.send(JSON.stringify({ type: "sfu-publish", sdp: sdp }));
        }"""
    )
    expect(learner.locator("#notice")).to_contain_text("cannot share their screen")
    refused = RoomEvent.objects.get(kind="screen_share_refused")
    assert refused.by_id == me and refused.data["how"] == "offer"
    # Nothing changed in Janus: the learner's one publication stands.
    assert Participant.objects.get(pk=me).sfu_feed == feed_before
    for page in (host, colleague, *learners):
        page.context.close()


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("ROOM-2")
def test_an_outsider_with_a_janus_session_cannot_join_the_class(
    browser: Browser, asgi_live_server: str, cast: Cast, on_sfu: JanusServer
) -> None:
    _session, host, colleague, learners = _class(browser, asgi_live_server, cast)
    room = Room.objects.get()
    host_feed = Participant.objects.get(user=cast.teacher).sfu_feed
    _receiving_from(learners[0], {_pid(user=cast.teacher)})
    admin = JanusAdmin(on_sfu.config)
    before = sorted(int(p["id"]) for p in admin.participants(room_id=room.pk))
    outsider = JanusClient(on_sfu.config.http_url).attach()
    publisher = outsider.message(
        {"request": "join", "ptype": "publisher", "room": room.pk, "display": "9999"}
    )
    assert "error" in publisher
    subscriber = JanusClient(on_sfu.config.http_url).attach()
    watched = subscriber.message(
        {
            "request": "join",
            "ptype": "subscriber",
            "room": room.pk,
            "streams": [{"feed": host_feed}],
        }
    )
    assert "error" in watched
    assert sorted(int(p["id"]) for p in admin.participants(room_id=room.pk)) == before
    outsider.detach()
    subscriber.detach()
    for page in (host, colleague, *learners):
        page.context.close()
