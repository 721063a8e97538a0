"""In a real browser: the DSL opens the board's quarterly report from the navigation, writes
the narrative and downloads the PDF, which holds it and names no child. The report page passes
axe-core's WCAG 2.2 AA rules, charts and all."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from chaperon.governance.quarters import quarter_of
from tests.browser_support import assert_accessible, sign_in_page
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-6"),
]


def test_the_dsl_opens_the_board_report_and_downloads_the_pdf(
    cast: Cast, live_server, page: Page
) -> None:
    public_concern(cast.organisation, about_name="Robin Alder")
    quarter = quarter_of(cast.organisation.today())
    page = sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Board report").click()
    page.get_by_role("link", name=quarter.label).click()

    expect(
        page.get_by_role("heading", name=f"Online safety report to the board: {quarter.label}")
    ).to_be_visible()
    figures = page.get_by_role("region", name="The quarter against the previous quarters")
    expect(figures.get_by_role("row", name="Concerns raised").first).to_contain_text("1")
    expect(page.get_by_role("img", name="Bar chart of the concerns raised")).to_be_visible()
    page.get_by_label("The narrative for the board").fill("One concern, acknowledged in time.")
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.get_by_text("The narrative is saved in the report.")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == f"online-safety-board-report-{quarter.key}.pdf"
    content = download.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "One concern, acknowledged in time." in text
    assert quarter.label in text
    assert "Robin" not in text and "Alder" not in text
