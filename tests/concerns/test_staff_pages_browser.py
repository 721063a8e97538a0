"""The staff pages of concerns pass axe-core's WCAG 2.2 AA rules: the report form, the list,
the case, closing, and the dashboard panel."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.concerns import services
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

from .helpers import immediate_risk, public_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_pages_are_accessible(cast: Cast, live_server, page: Page) -> None:
    base = live_server.url
    sign_in_page(page, base, str(signed_in(cast.teacher).session.session_key))
    page.goto(f"{base}/concerns/new/?learner={cast.learner.pk}")
    expect(page.get_by_role("heading", name="Report a concern")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What happened, or what worries you").fill(
        "Robin said someone in a game asked for his address."
    )
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("heading", name="Concerns you raised")).to_be_visible()
    assert_accessible(page)

    concern = public_concern(cast.organisation, learner=cast.learner)
    services.concern_triage(
        actor=cast.dsl, concern=concern, answers=immediate_risk(), risk_note="Threats."
    )
    page.context.clear_cookies()
    sign_in_page(page, base, str(signed_in(cast.dsl).session.session_key))
    for path in (
        "/",
        "/concerns/",
        "/concerns/?q=Robin&awaiting=on&raised_from=2026-01-01",
        "/concerns/?raised_from=2026-06-10&raised_to=2026-06-01",  # refused, with its summary
        "/concerns/tasks/?show=open",
        f"/concerns/{concern.pk}/",
        f"/concerns/{concern.pk}/close/",
    ):
        page.goto(f"{base}{path}")
        assert_accessible(page)
    page.get_by_label("How the reporter was told it was dealt with (or why they were not)").fill(
        "Phoned Pat."
    )
    page.get_by_role("button", name="Close the concern").click()
    expect(page.get_by_role("alert")).to_contain_text("still open")
    assert_accessible(page)
