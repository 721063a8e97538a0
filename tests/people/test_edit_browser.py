"""What a refusal asks for can be done on the web: a DSL records a DBS check from the staff
page, and learners and their parents are added and linked, in a real browser, with axe."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import GuardianRelationship, Learner
from tests import factories
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as_dsl(page: Page, cast: Cast, live_server) -> None:
    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)


@pytest.mark.clause("SES-10")
def test_a_dsl_records_a_dbs_check_and_the_teachers_compliance_updates(
    cast: Cast, live_server, page: Page
) -> None:
    member = factories.staff_member(cast.teacher)
    services.staff_update(actor=SYSTEM, staff=member, dbs_checked_on=None, dbs_type="")
    checked = cast.organisation.today() - timedelta(days=2)
    _as_dsl(page, cast, live_server)

    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Terry Finch").click()
    expect(page.get_by_role("heading", name="Terry Finch")).to_be_visible()
    expect(page.get_by_text("Not recorded").first).to_be_visible()
    page.get_by_role("link", name="Record checks").click()
    expect(page.get_by_role("heading", name="Checks of Terry Finch")).to_be_visible()
    assert_accessible(page)

    # A date in the future is refused, with the field named and nothing saved.
    page.get_by_label("Date of the DBS certificate").fill(
        (checked + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Save checks").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Date of the DBS certificate")
    expect(summary).to_contain_text("is in the future")
    assert_accessible(page)
    member.refresh_from_db()
    assert member.dbs_checked_on is None

    page.get_by_label("Date of the DBS certificate").fill(checked.isoformat())
    page.get_by_label("Type of DBS check").select_option("enhanced_barred")
    page.get_by_role("button", name="Save checks").click()

    expect(page.get_by_text("Checks of Terry Finch saved.")).to_be_visible()
    dbs = page.locator("dt", has_text="DBS check").locator("xpath=following-sibling::dd[1]")
    expect(dbs).to_contain_text(f"{checked.day} {checked:%b %Y}")
    expect(dbs).to_contain_text("Current")
    assert_accessible(page)
    member.refresh_from_db()
    assert (member.dbs_checked_on, member.dbs_type) == (checked, "enhanced_barred")


def test_a_dsl_adds_a_learner_and_their_parent(cast: Cast, live_server, page: Page) -> None:
    _as_dsl(page, cast, live_server)
    page.goto(f"{live_server.url}/learners/")
    page.get_by_role("link", name="Add a learner").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Last name").fill("Tern")
    page.get_by_label("Date of birth").fill("2013-02-01")
    page.get_by_label("Year or group").fill("Year 7")
    page.get_by_role("button", name="Add learner").click()
    expect(page.get_by_role("heading", name="Alex Tern")).to_be_visible()
    alex = Learner.objects.get(first_name="Alex", last_name="Tern")

    page.get_by_role("link", name="Add a parent or carer").click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Jordan Tern")
    page.get_by_label("Text message").check()
    page.get_by_role("button", name="Add parent or carer").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose how they are related to the learner.")
    page.get_by_label("Relationship to the learner").select_option("father")
    page.get_by_label("Has parental responsibility for the learner").check()
    page.get_by_role("button", name="Add parent or carer").click()
    # Texts need a number: the field is named and nothing is saved.
    expect(summary).to_contain_text("Phone number: is needed")
    assert_accessible(page)
    assert not GuardianRelationship.objects.filter(learner=alex).exists()

    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_role("button", name="Add parent or carer").click()

    parents = page.get_by_role("table", name="Parents and carers of Alex Tern")
    expect(parents).to_contain_text("Jordan Tern")
    expect(parents).to_contain_text("Father")
    page.get_by_role("link", name="Jordan Tern", exact=True).click()
    expect(page.get_by_role("heading", name="Jordan Tern")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the link to Alex Tern").click()
    expect(page.get_by_role("button", name="Remove the link")).to_be_visible()
    assert_accessible(page)
