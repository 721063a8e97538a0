"""In a real browser: the DSL sends the parents' acceptable use agreement to every parent and
carer not yet asked; a parent opens the link from their email on the public page, signs it
with their name, and the register counts them. Both pages pass axe-core's WCAG 2.2 AA rules."""

import re

import pytest
from playwright.sync_api import Page, expect

from chaperon.core.models import EmailDelivery
from chaperon.governance.models import Audience, AupSignature
from chaperon.governance.services import aup_publish
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-2"),
]


def test_a_parent_signs_the_parents_agreement_from_the_link_in_their_email(
    cast: Cast, live_server, page: Page
) -> None:
    aup_publish(
        actor=cast.dsl,
        organisation=cast.organisation,
        audience=Audience.PARENT,
        title="Parents' acceptable use agreement",
        text="I talk with my child about staying safe online.",
    )
    session_key = signed_in(cast.dsl).cookies["sessionid"].value
    page = sign_in_page(page, live_server.url, session_key)
    page.goto(f"{live_server.url}/governance/agreements/?audience=parent")
    expect(page.get_by_role("heading", name="Who has agreed: parents and carers")).to_be_visible()
    page.get_by_role("button", name="Send a link to everyone not yet asked").click()
    expect(page.locator(".messages")).to_contain_text("are being sent")
    expect(page.get_by_text("0 of 1 have agreed")).to_be_visible()
    assert_accessible(page)

    email = EmailDelivery.objects.get(purpose="aup_request", to=cast.guardian.email)
    path = re.search(r"/agree/[^\s]+/", email.text)
    assert path is not None
    browser = page.context.browser
    assert browser is not None
    parent = browser.new_context().new_page()  # no cookies of the DSL's
    parent.goto(f"{live_server.url}{path.group(0)}")
    expect(parent.get_by_text("I talk with my child about staying safe online.")).to_be_visible()
    assert_accessible(parent)
    parent.get_by_role("button", name="Sign the agreement").click()
    expect(parent.locator(".field-error").first).to_contain_text("Type your full name")
    assert not AupSignature.objects.exists()
    parent.get_by_label("Your full name").fill(cast.guardian.full_name)
    parent.get_by_label("I have read this agreement and I agree to it").check()
    parent.get_by_role("button", name="Sign the agreement").click()
    expect(parent.get_by_role("status")).to_contain_text("the agreement is signed")
    assert AupSignature.objects.get().guardian_id == cast.guardian.pk

    page.reload()
    expect(page.get_by_text("1 of 1 have agreed")).to_be_visible()
