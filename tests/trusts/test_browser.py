"""In a real browser: a parent finds their school by postcode with the keyboard alone and
reaches its report form; a trust board member reads the trust's overview. Both pages pass
axe-core's WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.core.actors import SYSTEM
from chaperon.people.services import (
    organisation_update,
    trust_add_member,
    trust_add_school,
    trust_create,
)
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_finds_the_school_by_postcode_with_the_keyboard(
    cast: Cast, live_server, page: Page
) -> None:
    organisation_update(actor=SYSTEM, organisation=cast.organisation, postcode="ZZ99 3HV")
    page.goto(f"{live_server.url}/report/")
    expect(page.get_by_role("option")).to_have_count(0)
    page.get_by_label("Find your school, college or service").fill("zz99 3")
    page.keyboard.press("Enter")
    found = page.get_by_role("link", name="Harbour View School")
    expect(found).to_be_visible()
    expect(page.get_by_role("link", name="Kestrel Bank College")).to_have_count(0)
    assert_accessible(page)
    found.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/report/{cast.organisation.slug}/")
    expect(page.get_by_text("To the safeguarding team of Harbour View School")).to_be_visible()


def test_a_trust_board_member_reads_the_overview(cast: Cast, live_server, page: Page) -> None:
    trust = trust_create(actor=SYSTEM, name="Oak Learning Trust", slug="oak")
    trust_add_school(actor=SYSTEM, trust=trust, organisation=cast.organisation)
    trust_add_member(actor=SYSTEM, trust=trust, user=cast.board, role="trust_board")
    session_key = signed_in(cast.board).cookies["sessionid"].value
    page = sign_in_page(page, live_server.url, session_key)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trust").click()
    expect(page.get_by_role("heading", name="Oak Learning Trust", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Open concerns by category")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Harbour View School")).to_be_visible()
    assert_accessible(page)
