"""Evidence kept before it can be destroyed, walked in a browser (INC-3, INC-4, REC-7, REC-8):
a teacher reports a concern from a recorded session; the DSL finds the recording held on its
page; the parent withdraws consent to recording from their phone, and the recording is kept,
the page and the email saying it is kept as evidence and why. Every page passes axe."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, ViewportSize, expect

from chaperon.concerns.models import Concern
from chaperon.recordings.models import LegalHold, RecordingStatus
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.consent.helpers import (
    agree_to_all_but,
    answer_token,
    form_data,
    manage_token,
    send_request,
)
from tests.mail_support import Mailbox, subject_of, text_of
from tests.recordings.helpers import make_recording, media

from .helpers import always_in_hours

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("INC-3"),
    pytest.mark.clause("INC-4"),
    pytest.mark.clause("REC-7"),
    pytest.mark.clause("REC-8"),
]


def test_a_concern_from_a_session_keeps_its_recording_through_a_withdrawal(
    cast: Cast, live_server, page: Page, smtp_server: Mailbox, settings
) -> None:
    settings.SITE_URL = live_server.url
    base = live_server.url
    always_in_hours(cast.organisation)
    consent_request = send_request(cast.teacher, cast.learner)
    Client().post(f"/consent/r/{answer_token(consent_request)}/", form_data(agree_to_all_but()))
    recording = make_recording(cast, tracks=[media(4000)])
    session = recording.session

    # The teacher reports from the session (as "Report a concern" in the live room does).
    sign_in_page(page, base, str(signed_in(cast.teacher).session.session_key))
    page.goto(f"{base}/concerns/new/?session={session.pk}")
    page.get_by_label("What happened, or what worries you").fill(
        "During the lesson Robin said an adult they met online wants to meet them on Saturday."
    )
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("heading", name="Concerns you raised")).to_be_visible()
    concern = Concern.objects.get()
    assert concern.session_id == session.pk

    # At once (no task, no delay), the DSL finds the recording held on its page.
    page.context.clear_cookies()
    sign_in_page(page, base, str(signed_in(cast.dsl).session.session_key))
    page.goto(f"{base}/recordings/{recording.pk}/")
    expect(page.get_by_text("Held as evidence: kept until the hold is released")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Held for {concern.reference}")).to_be_visible()
    expect(page.get_by_text("Chaperon, when the concern was raised", exact=False)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}/concerns/{concern.pk}/")
    expect(page.get_by_text("1 recording held as evidence", exact=False)).to_be_visible()
    assert_accessible(page)

    # The parent withdraws consent to recording on their phone.
    smtp_server.messages.clear()
    page.context.clear_cookies()
    page.set_viewport_size(ViewportSize(width=390, height=844))
    page.goto(f"{base}/consent/m/{manage_token(consent_request)}/")
    assert_accessible(page)
    page.get_by_role("group", name="What do you withdraw consent for?").get_by_label(
        "Being recorded in live sessions"
    ).check()
    page.get_by_label("Your full name").fill("Morgan Alder")
    page.get_by_role("button", name="Withdraw consent").click()
    expect(page.get_by_text("Consent withdrawn, with immediate effect")).to_be_visible()
    kept = page.get_by_text(re.compile("1 recording in which Robin appears is not destroyed yet"))
    expect(kept).to_be_visible()
    expect(kept).to_contain_text("kept as evidence in a safeguarding matter")
    expect(kept).to_contain_text("evidence must be preserved while it is looked into")
    assert concern.reference not in page.content()
    assert_accessible(page)

    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE
    assert recording.destruction_pending == "Consent to recording was withdrawn"
    assert LegalHold.objects.filter(recording=recording, released_at__isnull=True).exists()
    to_parent = smtp_server.to(cast.guardian.email)
    [confirmation] = [m for m in to_parent if subject_of(m).startswith("Consent withdrawn")]
    assert "is not destroyed yet: kept as evidence" in text_of(confirmation)
    [outcome] = [m for m in to_parent if subject_of(m).startswith("Recordings of Robin")]
    assert "Kept for now: 1 recording" in text_of(outcome)
    for message in to_parent:
        assert concern.reference not in text_of(message)
