"""In a real browser: the DSL records a member of staff's annual safeguarding update, choosing
them with the people picker, and the register shows it current. The pages pass axe-core's
WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.picker_support import choose_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-3"),
]


def test_the_dsl_records_a_completion_and_the_register_shows_it_current(
    cast: Cast, live_server, page: Page
) -> None:
    session_key = signed_in(cast.dsl).cookies["sessionid"].value
    page = sign_in_page(page, live_server.url, session_key)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    expect(page.get_by_role("heading", name="Training register", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a completion").click()
    expect(page.get_by_role("heading", name="Record training", level=1)).to_be_visible()
    page.get_by_role("radio", name="Online safety").check()
    choose_person(page, "Member of staff", "Quill", "Ira Quill")
    page.get_by_label("Certificate (optional)").fill("OS-2026-118")
    assert_accessible(page)
    page.get_by_role("button", name="Record the completion").click()
    expect(page.locator(".messages")).to_contain_text("Recorded: Ira Quill completed Online safety")

    # Back on the register, showing the course recorded: Ira Quill is current.
    expect(page.get_by_role("heading", name="Training register", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Ira Quill"))
    expect(row).to_contain_text("Current")
    page.get_by_label("Status").select_option("current")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Ira Quill")).to_be_visible()
    expect(page.get_by_role("link", name="Terry Finch")).to_have_count(0)
    assert_accessible(page)
