"""In a real browser: the DSL records a subject access request for a learner (found by
searching), prepares the export, withholds the learner's brother as a third party, decides
on everyone else and releases it; the downloaded zip's index page opens, and the brother's
name appears nowhere in the zip. Each page passes axe-core's WCAG 2.2 AA rules."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from chaperon.subject_access.models import RequestStatus, SubjectAccessRequest
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.picker_support import choose_person

from .helpers import REPORTER, SIBLING, SIBLING_EMAIL, a_learner_with_a_history, archive_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-7"),
    pytest.mark.clause("LOG-2"),
]


def _decide(page: Page, name: str, decision: str, reason: str, exemption: str = "") -> None:
    card = page.get_by_role("article", name=name, exact=True)
    card.get_by_label(decision, exact=True).check()
    if exemption:
        card.get_by_label("Exemption, if withheld").select_option(label=exemption)
    card.get_by_label("Reason").fill(reason)
    card.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text(f"{name}: {decision.lower()}.")).to_be_visible()


def test_the_dsl_redacts_a_third_party_and_releases_the_export(
    cast: Cast, live_server, page: Page, tmp_path
) -> None:
    a_learner_with_a_history(cast)
    page = sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", name="Subject access requests", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a new request").click()
    choose_person(page, "A learner", "Robin", "Robin Alder (no group)")
    page.get_by_label("Who asked, and how").fill("By email from Robin's mother, identity checked.")
    assert_accessible(page)
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", name="Subject access: Robin Alder")).to_be_visible()

    page.get_by_role("button", name="Prepare the export").click()
    expect(page.get_by_text("third parties found to decide on")).to_be_visible()
    page.get_by_role("button", name="Disclose every undecided member of staff").click()
    expect(page.get_by_text("members of staff disclosed, acting in their role")).to_be_visible()
    _decide(
        page,
        SIBLING,
        "Withhold",
        "Another child's information",
        exemption="Third party's personal data (DPA 2018 Sch 2 para 16)",
    )
    _decide(page, "Morgan Alder", "Disclose", "The requester herself")
    _decide(page, REPORTER, "Disclose", "The reporter agreed to be named")
    expect(page.get_by_text("0 still to decide")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("I have reviewed every third party").check()
    page.get_by_role("button", name="Release the export").click()
    expect(page.get_by_text("Released. SHA-256")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the released export").click()

    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == ["data.json", "index.html"]
        opened.extractall(tmp_path / "export")
        everything = b"".join(opened.read(name) for name in opened.namelist()).decode()
    for secret in (SIBLING, SIBLING_EMAIL, "Sky"):
        assert secret not in everything
    page.goto((tmp_path / "export" / "index.html").as_uri())
    expect(
        page.get_by_role("heading", name="What Harbour View School holds about Robin Alder")
    ).to_be_visible()
    expect(page.get_by_text("[withheld: Third party's personal data").first).to_be_visible()
    assert SIBLING not in page.content()
    assert_accessible(page)
    request = SubjectAccessRequest.objects.get()
    assert request.status == RequestStatus.RELEASED
    assert archive_of(request) == archive.read_bytes()
