"""The room's safeguards end to end in Chromium (fake camera and microphone) against a real
ASGI server on loopback: leave and report, noting a concern without leaving, recording only
with everyone's consent, two staff for a group, and the time limit."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from chaperon.concerns.models import Concern
from chaperon.consent.services.answers import consent_withdraw
from chaperon.recordings.models import Recording
from chaperon.rooms.models import Participant, Room, RoomEvent
from chaperon.sessions.models import SessionException
from tests import factories
from tests.browser_support import assert_accessible
from tests.concerns.helpers import always_in_hours
from tests.conftest import Cast
from tests.mail_support import Mailbox, subject_of, text_of

from .browsing import (
    PEER_STATES,
    admit_and_agree,
    eventually,
    host_page,
    in_a_call,
    staff_page,
    start,
)
from .helpers import booked, host_may_extend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Kept on the learner's page as it unloads: its peer connections and camera, after leaving.
WATCH_THE_LEAVING = """() => {
  const room = window.chaperonRoom;
  const peers = Array.from(room.peers.values()).map((peer) => peer.pc);
  window.addEventListener("pagehide", () => {
    sessionStorage.setItem("left", JSON.stringify({
      peers: peers.map((pc) => pc.connectionState),
      tracks: room.local.getTracks().map((track) => track.readyState),
    }));
  });
}"""


@pytest.mark.clause("ROOM-8")
@pytest.mark.clause("ROOM-9")
@pytest.mark.clause("INC-1")
def test_leave_and_report_ends_the_call_and_the_dsl_is_emailed(
    browser: Browser, asgi_live_server: str, cast: Cast, smtp_server: Mailbox, settings: Any
) -> None:
    base = asgi_live_server
    settings.SITE_URL = base
    always_in_hours(cast.organisation)
    host, learner = in_a_call(browser, base, cast)
    session_id = Room.objects.get().pk
    assert_accessible(host)

    # ROOM-9: the host notes a concern in a new tab and stays in the call.
    link = host.get_by_role("link", name="Note a concern")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    assert learner.get_by_role("link", name="Note a concern").count() == 0
    with host.context.expect_page() as opened:
        link.click()
    form = opened.value
    expect(form.get_by_role("heading", name="Report a concern")).to_be_visible()
    expect(form).to_have_url(f"{base}/concerns/new/?session={session_id}")
    form.close()
    assert host.evaluate(PEER_STATES) == ["connected"]
    expect(host.locator("#people-list")).to_contain_text("Robin Alder")

    # ROOM-8: the learner leaves at once; their call ends and the host sees them go.
    learner.evaluate(WATCH_THE_LEAVING)
    learner.get_by_role("link", name="Leave and report").click()
    expect(learner.get_by_role("heading", name="Report a worry")).to_be_visible()
    left = learner.evaluate("() => JSON.parse(sessionStorage.getItem('left'))")
    assert left["peers"] == ["closed"] and set(left["tracks"]) == {"ended"}
    expect(host.locator("#people-list")).not_to_contain_text("Robin Alder")
    eventually(lambda: host.evaluate(PEER_STATES) == [])
    assert_accessible(learner)

    learner.get_by_label("What happened, or what worries you").fill(
        "Someone I did not know came into the room behind the adviser and listened."
    )
    learner.get_by_role("button", name="Send my report").click()
    expect(learner.get_by_role("heading", name=re.compile("report has been sent"))).to_be_visible()
    assert_accessible(learner)
    reference = learner.locator(".reference").inner_text()

    concern = Concern.objects.get()
    assert concern.reference == reference and concern.session_id == session_id
    assert concern.source == "invitation" and concern.reporter_name == "Robin Alder"
    eventually(lambda: bool(smtp_server.to(cast.dsl.email)))
    [email] = smtp_server.to(cast.dsl.email)
    assert reference in subject_of(email)
    assert f"{base}/concerns/{concern.pk}/" in text_of(email)
    assert "behind the adviser" not in text_of(email)  # never what happened, by email
    host.context.close()
    learner.context.close()


@pytest.mark.clause("REC-4")
def test_recording_is_refused_naming_who_has_not_consented(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    host, learner = in_a_call(browser, asgi_live_server, cast, recording=True)
    # During the session, the parent withdraws consent to recording by phone.
    consent_withdraw(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["recording"],
        withdrawn_by_name="Morgan Alder",
        channel="phone",
        reason="We would rather it was not recorded.",
    )
    host.get_by_role("button", name="Start recording").click()
    expect(host.locator("#notice")).to_contain_text(
        "Robin Alder has no written consent to recording."
    )
    expect(host.locator("#rec-indicator")).to_be_hidden()
    expect(learner.locator("#rec-indicator")).to_be_hidden()
    assert not Recording.objects.exists()
    assert Room.objects.get().recording_state == "off"
    assert RoomEvent.objects.filter(kind="recording_refused").count() == 1
    host.context.close()
    learner.context.close()


@pytest.mark.clause("REC-4")
@pytest.mark.clause("REC-10")
def test_with_everyones_consent_each_persons_track_reaches_the_vault(
    browser: Browser, asgi_live_server: str, cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.VAULT_DIR = tmp_path / "vault"
    host, learner = in_a_call(browser, asgi_live_server, cast, recording=True)
    host.get_by_role("button", name="Start recording").click()
    expect(host.locator("#rec-indicator")).to_be_visible()
    expect(learner.locator("#rec-indicator")).to_be_visible()
    expect(host.get_by_role("button", name="Stop recording")).to_be_visible()
    recording = Recording.objects.get()
    assert recording.appearances.count() == 2

    # Each browser's chunks open that person's track, and keep coming every second.
    eventually(lambda: recording.tracks.count() == 2)
    both_open = timezone.now()
    eventually(
        lambda: all(
            p.last_chunk_at is not None and p.last_chunk_at > both_open + timedelta(seconds=1)
            for p in Participant.objects.all()
        )
    )
    host.get_by_role("button", name="Stop recording").click()
    expect(host.locator("#rec-indicator")).to_be_hidden()
    expect(learner.locator("#rec-indicator")).to_be_hidden()

    def finished() -> bool:
        recording.refresh_from_db()
        return recording.finished_at is not None

    eventually(finished)
    labels = sorted(track.label.split(" (")[0] for track in recording.tracks.all())
    assert labels == ["Robin Alder", "Terry Finch"]
    assert all(track.closed and track.size > 10_000 for track in recording.tracks.all())
    assert recording.status == "complete"
    assert Room.objects.get().recording_id is None
    host.context.close()
    learner.context.close()


@pytest.mark.clause("SES-4")
def test_a_group_session_starts_only_with_two_staff_in_the_room(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    second = factories.learner(cast.organisation, first_name="Alex")
    factories.guardian(cast.organisation, of=second, full_name="Jo Ash")
    session = booked(cast, kind="group", learners=[cast.learner, second])
    host = host_page(browser, base, cast.teacher, session)
    host.get_by_role("button", name="Start the session").click()
    expect(host.locator("#notice")).to_contain_text(
        "A group session needs two members of staff in the room before it starts."
    )
    assert Room.objects.get().started_at is None
    assert RoomEvent.objects.filter(kind="start_refused").count() == 1

    colleague = staff_page(browser, base, cast.teacher2, session)
    expect(colleague.locator("#waiting-panel")).to_be_visible()
    admit_and_agree(host, colleague, "Toni Marsh")
    start(host)
    expect(colleague.locator("#timer")).to_be_visible()
    assert Room.objects.get().started_at is not None
    host.context.close()
    colleague.context.close()


@pytest.mark.clause("SES-3")
def test_the_countdown_warns_and_the_server_ends_the_session_at_the_limit(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    host_may_extend(cast, 10)
    host, learner = in_a_call(browser, asgi_live_server, cast)
    rooms = Room.objects.all()

    # Five minutes before the end: everyone is warned.
    rooms.update(ends_at=timezone.now() + timedelta(minutes=4, seconds=50))
    for page in (host, learner):
        expect(page.locator("#alert")).to_contain_text("Five minutes left in this session.")
        expect(page.locator("#timer")).to_have_class(re.compile("room__timer--warning"))
        expect(page.locator("#timer-value")).to_have_text(re.compile(r"^4:\d\d$"))
    eventually(lambda: rooms.get().warned_at is not None)

    # The host extends, within what the policy lets the host add, with a reason (kept as an
    # exception approved under that allowance): the limit moves.
    limit = rooms.get().ends_at
    assert limit is not None
    host.get_by_text("Extend the session").click()
    host.get_by_label("Extra minutes").fill("10")
    host.get_by_role("button", name="Extend").click()  # no reason: the browser asks for one
    assert not SessionException.objects.exists()
    host.get_by_label("Reason (kept with the session)").fill(
        "Robin is in the middle of telling me something important."
    )
    host.get_by_role("button", name="Extend").click()
    for page in (host, learner):
        expect(page.locator("#timer-value")).to_have_text(re.compile(r"^14:\d\d$"))
    assert rooms.get().ends_at == limit + timedelta(minutes=10)
    assert SessionException.objects.get().reason.startswith("Robin is in the middle")
    expect(host.locator("#extension-status")).to_have_text(
        "You added 10 minutes, within what the policy lets the host add; "
        "the approvers have been told."
    )

    # At the limit the server ends it for everyone, whatever the pages do.
    rooms.update(ends_at=timezone.now() + timedelta(seconds=1))
    for page in (host, learner):
        expect(page.locator("#ended-panel")).to_be_visible()
        expect(page.locator("#ended-text")).to_have_text("The time for this session is up.")
        expect(page.locator("#controls")).to_be_hidden()
    assert host.evaluate(PEER_STATES) == [] and learner.evaluate(PEER_STATES) == []
    room = rooms.get()
    assert room.ended_at is not None and room.end_reason == "time"
    host.context.close()
    learner.context.close()
