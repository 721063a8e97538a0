import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.clause("SES-3")
def test_a_teacher_reads_the_policy_on_an_accessible_page(
    cast: Cast, live_server, page: Page
) -> None:
    session = signed_in(cast.teacher).cookies["sessionid"].value
    sign_in_page(page, live_server.url, session)
    page.goto(f"{live_server.url}/policy/")
    expect(page).to_have_title("Session policy · Chaperon")
    expect(page.get_by_role("heading", name="When a session is booked")).to_be_visible()
    expect(page.get_by_role("heading", name="When the session opens")).to_be_visible()
    booking = page.get_by_role(
        "table", name="Rules checked when a session is booked and when it opens"
    )
    row = booking.get_by_role("row", name="A session lasts at most 45 minutes.")
    expect(row).to_contain_text("SES-3")
    expect(row).to_contain_text("Needs an exception")
    assert_accessible(page)
