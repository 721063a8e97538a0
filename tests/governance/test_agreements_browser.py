"""In a real browser: a teacher signs in, is asked to agree to the new staff acceptable use
agreement, agrees, and goes on to the page they asked for. The page passes axe-core's WCAG 2.2
AA rules."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.governance.models import Audience
from chaperon.governance.services import aup_publish
from tests import factories
from tests.browser_support import assert_accessible
from tests.conftest import Cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-2"),
]


def test_a_teacher_agrees_to_the_new_staff_agreement_when_signing_in(
    cast: Cast, live_server, page: Page
) -> None:
    aup_publish(
        actor=cast.dsl,
        organisation=cast.organisation,
        audience=Audience.STAFF,
        title="Staff acceptable use agreement",
        text="I use only my school account.\n\nI report every worry at once.",
    )
    page.goto(f"{live_server.url}/sessions/")
    page.get_by_label("Email address").fill(cast.teacher.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Staff acceptable use agreement")).to_be_visible()
    expect(page.get_by_text("I report every worry at once.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Agree and go on").click()
    expect(page.locator(".field-error")).to_contain_text("Tick this to agree")
    assert factories.staff_member(cast.teacher).aup_signed_on != cast.organisation.today()

    page.get_by_label("I have read this agreement and I agree to it").check()
    page.get_by_role("button", name="Agree and go on").click()
    expect(page).to_have_url(f"{live_server.url}/sessions/")
    expect(page.locator(".messages")).to_contain_text("you agreed to Staff acceptable use")
    assert factories.staff_member(cast.teacher).aup_signed_on == cast.organisation.today()
