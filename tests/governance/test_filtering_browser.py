"""In a real browser: the DSL uploads a filtering report with a bad row (sees the problem,
nothing is kept), then a good one, shows only the serious entries and raises a concern from
one of them. Each page passes axe-core's WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.concerns.models import Concern
from chaperon.governance.models import FilterEntry, FilterReport
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.governance.filtering_helpers import report_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-5"),
]


def _upload(page: Page, text: str) -> None:
    page.get_by_label("Report file (CSV)").set_input_files(
        {"name": "filter.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Upload and import").click()


def test_the_dsl_imports_a_report_and_raises_a_concern_from_it(
    cast: Cast, live_server, page: Page
) -> None:
    cast.learner.external_id = "L-ROBIN"
    cast.learner.save(update_fields=["external_id"])
    good = report_csv(
        "2025-11-30T10:15:00,L-ROBIN,https://harm.example/a,self harm,flagged,LIB-PC-04,",
        f"2025-11-30T11:00:00,{cast.teacher.email},casino.example,gambling,blocked,,",
        "2025-11-30T12:00:00,guest-wifi-17,game.example,violence,blocked,,",
    )
    bad = good.replace("self harm", "selfharm")
    page = sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Filtering").click()
    expect(page.get_by_role("heading", name="Filtering and monitoring", level=1)).to_be_visible()
    expect(page.get_by_text("The reports have never been checked here.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import a report").click()
    _upload(page, bad)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("nothing is kept")
    expect(summary).to_contain_text("line 2, column category: 'selfharm' is not a category")
    assert_accessible(page)
    assert FilterReport.objects.count() == 0

    _upload(page, good)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Filtering report of")
    expect(page.locator(".messages")).to_contain_text("3 entries, 2 serious, 1 not matched")
    page.get_by_label("Serious only").check()
    page.get_by_role("button", name="Show").click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # the header and the two serious entries
    assert_accessible(page)

    rows.filter(has_text="Robin Alder").get_by_role("button", name="Raise a concern").click()
    concern = Concern.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Concern {concern.reference} is raised")
    expect(page.get_by_text(f"Raised: {concern.reference}")).to_be_visible()
    expect(page.get_by_label("Serious only")).to_be_checked()  # the filter is kept
    assert_accessible(page)
    assert concern.learner == cast.learner
    assert FilterEntry.objects.get(learner=cast.learner).concern == concern
