"""In a real browser: the DSL begins the year's annual review, adds a risk, the findings and an
action; the board's safeguarding champion signs it off, after which it offers no change. The
review page passes axe-core's WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.core.actors import SYSTEM
from chaperon.governance.models import AnnualReview, Post
from chaperon.governance.quarters import school_year_of
from chaperon.governance.services import team_post_give
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-6"),
]


def test_the_dsl_completes_the_review_and_the_champion_signs_it_off(
    cast: Cast, live_server, browser
) -> None:
    team_post_give(actor=SYSTEM, user=cast.board, post=Post.CHAMPION)
    year = school_year_of(cast.organisation.today())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page: Page = sign_in_page(
        context.new_page(), live_server.url, signed_in(cast.dsl).cookies["sessionid"].value
    )
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Annual review").click()
    page.get_by_label("School year").select_option(str(year.year))
    page.get_by_role("button", name="Begin the review").click()
    expect(
        page.get_by_role("heading", name=f"Annual review of online safety: {year.label}")
    ).to_be_visible()

    risk = page.get_by_role("form", name="Add a risk")
    risk.get_by_label("Risk").fill("Learners meet strangers in online games")
    risk.get_by_label("Likelihood").select_option("3")
    risk.get_by_label("Impact").select_option("4")
    risk.get_by_label("Controls in place").fill("Filtering; lessons on online contact")
    risk.get_by_label("Owner").select_option(label="Dana Sefton")
    risk.get_by_label("Review by").fill(f"{year.year + 1}-03-01")
    risk.get_by_role("button", name="Add the risk").click()
    expect(page.get_by_text("The risk is added to the risk assessment.")).to_be_visible()
    risks = page.get_by_role("region", name="Online safety risk assessment")
    expect(risks.get_by_role("row", name="Learners meet strangers")).to_contain_text("12")

    page.get_by_label("The DSL's findings").fill("Contact risks rose; the filter held.")
    page.get_by_role("button", name="Save the findings").click()
    action = page.get_by_role("form", name="Add an action")
    action.get_by_label("Action").fill("Train staff on online contact")
    action.get_by_label("Owner").select_option(label="Sam Laurel")
    action.get_by_label("Due by").fill(f"{year.year + 1}-01-09")
    action.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action is added.")).to_be_visible()
    assert_accessible(page)
    context.close()

    review = AnnualReview.objects.get()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = sign_in_page(
        context.new_page(), live_server.url, signed_in(cast.board).cookies["sessionid"].value
    )
    page.goto(f"{live_server.url}/governance/review/{review.pk}/")
    expect(page.get_by_text("Contact risks rose; the filter held.")).to_be_visible()
    page.get_by_role("button", name="Sign off for the board").click()
    expect(page.get_by_text("The review is signed off for the board.")).to_be_visible()
    expect(page.get_by_text("signed off on")).to_contain_text("Bo Hartley")
    expect(page.get_by_role("button", name="Sign off for the board")).to_have_count(0)
    context.close()
    review.refresh_from_db()
    assert review.signed_off_by == cast.board
