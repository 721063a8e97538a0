"""A parent on a phone opens their family page from an email: their child's next session, their
consents with the way to change them, and how to report a worry, readable at 390 by 844 with no
sideways scrolling; every page passes axe-core's WCAG 2.2 AA rules. A consent manager's page
for stopping a family's links passes too."""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from chaperon.families.links import family_token
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.consent.helpers import send_request
from tests.rooms.helpers import booked

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-7"),
    pytest.mark.clause("INC-1"),
]

PHONE = ViewportSize(width=390, height=844)


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_parent_on_a_phone_reads_their_family_page(cast: Cast, live_server, page: Page) -> None:
    session = booked(cast)
    send_request(cast.teacher, cast.learner)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/family/{family_token(cast.guardian.pk)}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your family page")
    expect(page.get_by_role("heading", name="Robin Alder")).to_be_visible()
    expect(page.get_by_text(session.title)).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)

    page.get_by_role("link", name="Report a worry to Harbour View School").click()
    expect(page).to_have_url(f"{live_server.url}/report/{cast.organisation.slug}/")
    page.go_back()

    page.get_by_role("link", name="See, change or withdraw consent for Robin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent for Robin Alder")
    assert_accessible(page)
    fits_the_screen(page)


def test_a_stopped_link_says_so_on_a_phone(cast: Cast, live_server, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/family/{family_token(cast.guardian.pk)}/")

    page.get_by_role("button", name="Stop my links to this page").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your links are stopped")
    assert_accessible(page)
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has been stopped.")
    assert_accessible(page)
    fits_the_screen(page)


def test_the_consent_managers_page_for_a_familys_links(cast: Cast, live_server, page: Page) -> None:
    family_token(cast.guardian.pk)  # a link has been sent
    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/learners/{cast.learner.pk}/")
    page.get_by_role("link", name="Parents' pages").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Parents\u2019 pages: Robin Alder")
    assert_accessible(page)
    page.get_by_role("button", name="Stop the links sent to Morgan Alder").click()
    expect(page.get_by_text("no longer work")).to_be_visible()
    assert_accessible(page)
