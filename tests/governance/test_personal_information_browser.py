"""In a real browser: the DSL opens Personal information from the navigation and reads the
register of what is held about learners. The page passes axe-core's WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-7"),
]


def test_the_dsl_reads_the_register_of_personal_information(
    cast: Cast, live_server, page: Page
) -> None:
    page = sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Personal information").click()

    expect(page.get_by_role("heading", name="Personal information", level=1)).to_be_visible()
    learners = page.get_by_role("region", name="Learners")
    expect(learners.get_by_role("rowheader").first).to_be_visible()
    expect(page.get_by_role("link", name="Download this register as CSV")).to_be_visible()
    assert_accessible(page)
