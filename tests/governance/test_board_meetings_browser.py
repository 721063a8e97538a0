"""In a real browser: an administrator opens Board meetings from the navigation, sets the day
the board meets and sees it listed with its reminder still to be sent, then removes it. The
page passes axe-core's WCAG 2.2 AA rules."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from chaperon.governance.models import BoardMeeting
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-6"),
]


def test_an_administrator_sets_and_removes_a_board_meeting(
    cast: Cast, live_server, page: Page
) -> None:
    page = sign_in_page(page, live_server.url, signed_in(cast.admin).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Board meetings").click()
    assert_accessible(page)
    day = cast.organisation.today() + timedelta(days=45)
    page.get_by_label("The board meets on").fill(day.isoformat())
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.get_by_text(f"The board meets on {day:%d/%m/%Y}.")).to_be_visible()
    row = page.get_by_role("row", name=f"{day:%-d %B %Y}")
    expect(row).to_contain_text("To be sent")
    assert_accessible(page)
    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("The meeting is removed.")).to_be_visible()
    assert not BoardMeeting.objects.exists()
