import pyotp
import pytest
from playwright.sync_api import Page, expect

from chaperon.accounts.models import TotpDevice
from chaperon.accounts.services import new_totp_secret
from tests import factories
from tests.browser_support import assert_accessible
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dsl_signs_in_with_a_second_factor_and_sees_a_learners_guardians(
    cast: Cast,
    live_server,
    page: Page,
) -> None:
    device = TotpDevice.objects.create(
        user=cast.dsl, secret=new_totp_secret(), confirmed_at="2026-01-01T00:00:00Z"
    )
    factories.guardian(
        cast.organisation,
        of=cast.learner,
        full_name="Alex Alder",
        relationship="father",
        email="",
        phone="07700 900555",
        preferred_contact="phone",
    )

    page.goto(f"{live_server.url}/learners/{cast.learner.pk}/")
    expect(page).to_have_title("Sign in · Chaperon")
    assert_accessible(page)
    page.get_by_label("Email address").fill(cast.dsl.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("6-digit code from your authenticator app").fill(
        pyotp.TOTP(device.secret).now()
    )
    page.get_by_role("button", name="Sign in").click()

    # Back to the learner that was asked for before signing in.
    expect(page.get_by_role("heading", name="Robin Alder")).to_be_visible()
    guardians = page.get_by_role("table", name="Parents and carers of Robin Alder")
    expect(guardians.get_by_role("rowheader", name="Morgan Alder")).to_be_visible()
    expect(guardians.get_by_role("rowheader", name="Alex Alder")).to_be_visible()
    expect(guardians).to_contain_text("07700 900555")
    assert_accessible(page)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Hello, Dana Sefton")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learners").click()
    expect(page.get_by_role("link", name="Robin Alder")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Staff").click()
    expect(page.get_by_role("columnheader", name="DBS check")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_label("Organisation name")).to_have_value("Harbour View School")
    assert_accessible(page)


def test_keyboard_users_can_skip_to_the_content(cast: Cast, live_server, page: Page) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
