"""A flagged session is put right from its own page, in a real browser (REC-4)."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.core.models import EmailDelivery
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.sessions.test_changes import recorded_session, withdraw_recording_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.clause("REC-4")
def test_the_organiser_follows_the_fix_and_the_session_is_allowed_again(
    cast: Cast, live_server, page: Page
) -> None:
    session = recorded_session(cast)
    withdraw_recording_consent(cast, session)
    sign_in_page(page, live_server.url, signed_in(cast.teacher).cookies["sessionid"].value)

    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    flagged = page.get_by_role("alert")
    expect(flagged.get_by_role("heading", name="This session is no longer allowed")).to_be_visible()
    assert_accessible(page)
    flagged.get_by_role("link", name="Turn recording off").click()

    expect(page.get_by_role("heading", name="Change “Careers”")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Record this session").uncheck()
    page.get_by_role("button", name="Check and save").click()

    expect(page.get_by_role("heading", name="Careers", exact=True)).to_be_visible()
    expect(page.get_by_text("Changed, and allowed by the policy.")).to_be_visible()
    expect(page.get_by_text("This session is no longer allowed")).to_have_count(0)
    assert_accessible(page)
    session.refresh_from_db()
    assert not session.recording_enabled and not session.flagged
    assert EmailDelivery.objects.filter(purpose="session_update", to=cast.guardian.email).exists()
