"""``chaperon sso``: the operator sets how an organisation's staff sign in with their
organisation accounts; a bad value changes nothing and names the field."""

import pytest
from django.core.management import CommandError, call_command

from chaperon.accounts.models import SingleSignOn
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from tests.conftest import Cast
from tests.oidc_support import TENANT


def test_entra_is_set_with_its_issuer_worked_out_from_the_tenant(cast: Cast, capsys) -> None:
    call_command(
        "sso",
        "set",
        cast.organisation.slug,
        "--provider=entra",
        "--client-id=11111111-2222-3333-4444-555555555555",
        f"--tenant-id={TENANT}",
        "--accept-provider-mfa=yes",
        "--password-sign-in=no",
    )
    config = SingleSignOn.objects.get(organisation=cast.organisation)
    assert config.issuer == f"https://login.microsoftonline.com/{TENANT}/v2.0"
    assert config.accept_provider_mfa and not config.password_sign_in
    event = AuditEvent.objects.get(action=AuditAction.SSO_CONFIGURED)
    assert event.details["password_sign_in"] is False
    shown = capsys.readouterr().out
    assert "provider: Microsoft Entra ID" in shown
    assert "client secret file: NOT SET" in shown


def test_google_needs_its_domain_and_nothing_is_saved_without_it(cast: Cast) -> None:
    with pytest.raises(CommandError, match="email-domains: give the organisation's Google"):
        call_command("sso", "set", cast.organisation.slug, "--provider=google", "--client-id=x")
    assert not SingleSignOn.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SSO_CONFIGURED).exists()
    call_command(
        "sso",
        "set",
        cast.organisation.slug,
        "--provider=google",
        "--client-id=x.apps.example",
        "--email-domains=Harbour.Example, staff.harbour.example",
    )
    config = SingleSignOn.objects.get()
    assert config.issuer == "https://accounts.google.com"
    assert config.domains == ["harbour.example", "staff.harbour.example"]


def test_unknown_organisation_is_named(db: None) -> None:
    with pytest.raises(CommandError, match="organisation: no organisation has the slug"):
        call_command("sso", "show", "nowhere")
