"""In a real browser: the public contacts page needs no sign-in and shows the current DSL after
a role change; the DSL gives the ICT lead's post with the keyboard and it shows on the public
page. Both pages pass axe-core's WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.core.actors import SYSTEM
from chaperon.people.roles import Role
from chaperon.people.services import staff_set_roles
from tests import factories
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.picker_support import choose_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-1"),
]


def test_the_public_page_shows_the_current_dsl_after_a_role_change(
    cast: Cast, live_server, page: Page
) -> None:
    page.goto(f"{live_server.url}/contacts/{cast.organisation.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Safeguarding team of Harbour View School"
    )
    leads = page.get_by_role("region", name="Designated Safeguarding Lead", exact=True)
    expect(leads).to_contain_text("Dana Sefton")
    assert_accessible(page)

    staff_set_roles(actor=SYSTEM, staff=factories.staff_member(cast.dsl), roles=[Role.TEACHER])
    staff_set_roles(actor=SYSTEM, staff=factories.staff_member(cast.deputy), roles=[Role.DSL])
    page.reload()
    expect(leads).to_contain_text("Devon Pike")
    expect(leads).not_to_contain_text("Dana Sefton")
    expect(page.get_by_text("Dana Sefton")).to_have_count(0)


def test_the_dsl_names_the_ict_lead_and_it_is_published(
    cast: Cast, live_server, page: Page
) -> None:
    session_key = signed_in(cast.dsl).cookies["sessionid"].value
    page = sign_in_page(page, live_server.url, session_key)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Safeguarding team"
    ).click()
    expect(page.get_by_role("heading", name="Safeguarding team", level=1)).to_be_visible()
    page.get_by_role("radio", name="ICT lead").check()
    choose_person(page, "Member of staff", "Quill", "Ira Quill")
    assert_accessible(page)
    page.get_by_role("button", name="Give the post").click()
    expect(page.locator(".messages")).to_contain_text("Ira Quill now holds the post: ICT lead.")
    expect(page.get_by_role("region", name="ICT lead")).to_contain_text("Ira Quill")

    page.goto(f"{live_server.url}/contacts/{cast.organisation.slug}/")
    expect(page.get_by_role("region", name="ICT lead")).to_contain_text("Ira Quill")
