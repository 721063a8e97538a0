"""The interactive docs page in a real browser, under the site's Content-Security-Policy."""

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from chaperon.accounts.services import api_token_create
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reported by Chromium for any script, style, image or connection the policy blocks.
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_the_docs_page_works_with_a_token_and_nothing_from_elsewhere(
    live_server: Any, cast: Cast, page: Page
) -> None:
    _token, secret = api_token_create(actor=cast.dsl, name="Docs page")
    problems: list[str] = []
    requested: list[str] = []
    page.add_init_script(WATCH_POLICY)
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )

    page.goto(f"{live_server.url}/api/docs")
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input").fill(secret)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    operation = page.locator("#operations-organisation-organisation_read")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(f"{live_server.url}/api/organisation") as answer:
        operation.get_by_role("button", name="Execute").click()
    status = answer.value.status
    operation.locator(".live-responses-table .response-col_description pre").first.wait_for()
    shown = operation.locator(".live-responses-table").inner_text()
    listed = page.locator(".opblock").count()
    violations = page.evaluate("window.__violations")

    assert status == 200
    assert "Harbour View School" in shown
    assert listed == 18
    assert violations == []
    assert problems == []
    origin = urlsplit(live_server.url).netloc
    assert requested
    assert {urlsplit(url).netloc for url in requested} == {origin}
