"""In a real browser: the DSL makes a self-review from the navigation, rating every aspect, and
its page shows the radar chart of the rated elements beside their table, links each aspect to
its evidence, and takes an action whose owner is found with the people picker. The pages pass
axe-core's WCAG 2.2 AA rules."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from chaperon.governance.self_review import ASPECTS
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.picker_support import choose_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-8"),
]


def test_the_self_review_radar_shows_a_rated_element(cast: Cast, live_server, page: Page) -> None:
    page = sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Self-review").click()
    page.get_by_role("link", name="Make a self-review").click()
    assert_accessible(page)
    for aspect in ASPECTS:
        level = "4" if aspect.element == "Staff and training" else "3"
        page.get_by_label(f"Level: {aspect.title}").select_option(level)
    page.get_by_label("Commentary and evidence: Staff checks and training").fill(
        "The training register shows every course current."
    )
    page.get_by_role("button", name="Record the self-review").click()

    expect(page.get_by_text("The self-review is recorded.")).to_be_visible()
    expect(page.get_by_role("img", name="Radar chart of the mean level")).to_be_visible()
    elements = page.get_by_role("region", name="Progress by element")
    expect(elements.get_by_role("row", name="Staff and training")).to_contain_text("4.0")
    assert_accessible(page)

    # The evidence is linked beside each aspect, and the plan's owner is searched for.
    aspects = page.get_by_role("region", name="Each aspect")
    expect(aspects.get_by_role("link", name="Training register")).to_be_visible()
    page.get_by_label("Aspect", exact=True).select_option("training")
    page.get_by_label("Action", exact=True).fill("Book the online safety refresher")
    choose_person(page, "Owner", "Marsh", "Toni Marsh")
    due = cast.organisation.today() + timedelta(days=30)
    page.get_by_label("Due by", exact=True).fill(due.isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action is added to the plan.")).to_be_visible()
    plan = page.get_by_role("region", name="Action plan")
    row = plan.get_by_role("row", name="Book the online safety refresher")
    expect(row).to_contain_text("Toni Marsh")
    row.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("The action is marked done.")).to_be_visible()
    assert_accessible(page)
