"""Signing in with an organisation account in a real browser, through a real OpenID provider
run locally (tests/accounts/oidc_provider.mjs)."""

import pyotp
import pytest
from playwright.sync_api import Page, expect

from chaperon.accounts.models import TotpDevice
from chaperon.accounts.services import new_totp_secret
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.governance.models import Audience
from chaperon.governance.services import aup_publish
from tests.browser_support import assert_accessible
from tests.conftest import Cast
from tests.oidc_support import OTHER_TENANT, PERSONAL_TENANT, LocalProvider, account, configure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("SES-11"),
]


def _sign_in_at_provider(page: Page, base_url: str, login: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with Microsoft Entra ID").click()
    expect(page.get_by_role("heading", name="Test provider sign-in")).to_be_visible()
    page.get_by_label("Account").fill(login)
    page.get_by_role("button", name="Continue").click()


def test_teacher_signs_in_with_the_school_account_and_lands_on_the_dashboard(
    cast: Cast, live_server, page: Page, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    expect(page.get_by_role("heading", name="With your organisation account")).to_be_visible()
    assert_accessible(page)
    _sign_in_at_provider(page, live_server.url, "terry")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Hello, Terry Finch")).to_be_visible()
    assert_accessible(page)


def test_the_staff_agreement_is_still_asked_for_after_signing_in_with_the_school_account(
    cast: Cast, live_server, page: Page, oidc_provider: LocalProvider, settings
) -> None:
    aup_publish(
        actor=cast.dsl,
        organisation=cast.organisation,
        audience=Audience.STAFF,
        title="Staff acceptable use agreement",
        text="I use only my school account.",
    )
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    _sign_in_at_provider(page, live_server.url, "terry")
    expect(page.get_by_role("heading", name="Staff acceptable use agreement")).to_be_visible()


@pytest.mark.parametrize(
    ("tenant", "words", "reason"),
    [
        (PERSONAL_TENANT, "That is a personal account", "personal_account"),
        (OTHER_TENANT, "That account belongs to another organisation", "other_organisation"),
    ],
    ids=["personal", "another-tenant"],
)
def test_personal_and_other_tenants_accounts_are_refused(
    cast: Cast,
    live_server,
    page: Page,
    oidc_provider: LocalProvider,
    settings,
    tenant: str,
    words: str,
    reason: str,
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"someone": account(cast.teacher, sub="sub-x", tid=tenant)})
    _sign_in_at_provider(page, live_server.url, "someone")
    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(words)
    assert_accessible(page)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()
    refusal = AuditEvent.objects.get(action=AuditAction.SSO_SIGN_IN_REFUSED)
    assert refusal.details["reason"] == reason


@pytest.mark.parametrize("accepted", [False, True], ids=["mfa-not-accepted", "mfa-accepted"])
def test_dsl_needs_the_second_factor_unless_the_providers_mfa_is_accepted(
    cast: Cast,
    live_server,
    page: Page,
    oidc_provider: LocalProvider,
    settings,
    accepted: bool,
) -> None:
    configure(oidc_provider, cast.organisation, settings, accept_provider_mfa=accepted)
    device = TotpDevice.objects.create(
        user=cast.dsl, secret=new_totp_secret(), confirmed_at="2026-01-01T00:00:00Z"
    )
    oidc_provider.accounts({"dana": account(cast.dsl, sub="sub-dana", amr=["pwd", "mfa"])})
    _sign_in_at_provider(page, live_server.url, "dana")
    if not accepted:
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        page.get_by_label("6-digit code from your authenticator app").fill(
            pyotp.TOTP(device.secret).now()
        )
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Dana Sefton")).to_be_visible()
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.details["second_factor"] == (True if not accepted else "provider")
