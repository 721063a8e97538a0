"""The Single sign-on page: those granted MANAGE_SINGLE_SIGN_ON see and set how staff sign in
with the organisation's accounts, never the client secret; password sign-in is only turned
off with organisation sign-in on, its secret in place and tried by the person turning it off;
every refusal names the field and its fix and changes nothing; every change is audited."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chaperon.accounts.models import SingleSignOn, SsoIdentity, SsoProvider
from chaperon.accounts.services import SsoSettings, sso_configure
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.people.models import Organisation
from tests.conftest import Cast, signed_in

URL = "/accounts/single-sign-on/"
TENANT = "5d6a3c1e-0b7f-4c1a-9e58-8f2d2a0c7b11"  # a made-up Entra tenant id
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
SECRET = "fictional-client-secret-for-tests"


def _form(**changes: str) -> dict[str, str]:
    return {
        "provider": SsoProvider.ENTRA,
        "client_id": "chaperon-harbour",
        "tenant_id": TENANT,
        "email_domains": "harbourview.sch.example",
        "issuer": "",
        "accept_provider_mfa": "no",
        "enabled": "yes",
        "password_sign_in": "yes",
        **changes,
    }


def _configured(organisation: Organisation) -> SingleSignOn:
    return sso_configure(
        actor=SYSTEM,
        organisation=organisation,
        wanted=SsoSettings(
            provider=SsoProvider.ENTRA, issuer=ISSUER, client_id="chaperon", tenant_id=TENANT
        ),
    )


def _state(organisation: Organisation) -> tuple[Any, int]:
    """The organisation's settings as stored, and how many changes were audited."""
    stored = SingleSignOn.objects.filter(organisation=organisation).values().first()
    return stored, AuditEvent.objects.filter(action=AuditAction.SSO_CONFIGURED).count()


@pytest.fixture
def secret_file(cast: Cast, tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "sso-harbour"
    path.write_text(SECRET + "\n")
    settings.SSO_CLIENT_SECRET_FILES = {cast.organisation.slug: path}
    return path


def _tried(user: Any) -> None:
    """``user`` has signed in once with the organisation account."""
    SsoIdentity.objects.create(
        user=user, issuer=ISSUER, subject="sub-1", last_used_at=timezone.now()
    )


def test_an_administrator_sets_entra_sign_in_and_it_is_audited(
    cast: Cast, secret_file: Path
) -> None:
    admin = signed_in(cast.admin)
    page = admin.get(URL).content.decode()
    assert "The client secret's file is in place" in page
    assert str(secret_file) in page
    assert SECRET not in page

    response = admin.post(URL, _form())

    assert response.status_code == 302
    config = SingleSignOn.objects.get(organisation=cast.organisation)
    assert (config.provider, config.issuer, config.client_id, config.tenant_id) == (
        SsoProvider.ENTRA,
        ISSUER,
        "chaperon-harbour",
        TENANT,
    )
    assert (config.password_sign_in, config.accept_provider_mfa, config.enabled) == (
        True,
        False,
        True,
    )
    event = AuditEvent.objects.get(action=AuditAction.SSO_CONFIGURED)
    assert event.actor_id == cast.admin.pk
    assert "client_id" in event.details["changed"]
    assert SECRET not in event.data
    shown = admin.get(URL).content.decode()
    assert "Microsoft Entra ID sign-in is on" in shown
    assert 'value="chaperon-harbour"' in shown


def test_a_missing_secret_file_is_said_plainly(cast: Cast, settings: Any, tmp_path: Path) -> None:
    settings.SSO_CLIENT_SECRET_FILES = {}
    page = signed_in(cast.admin).get(URL).content.decode()
    assert "The client secret is not in place:" in page
    assert f"SSO_CLIENT_SECRET_FILES has no entry {cast.organisation.slug}=&lt;file&gt;" in page
    settings.SSO_CLIENT_SECRET_FILES = {cast.organisation.slug: tmp_path / "nowhere"}
    page = signed_in(cast.admin).get(URL).content.decode()
    assert f"the file {tmp_path / 'nowhere'} is missing" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"client_id": ""}, "client_id", "This field is required."),
        ({"tenant_id": ""}, "tenant_id", "give the organisation&#x27;s Entra tenant id"),
        ({"issuer": "http://login.example"}, "issuer", "starting https://"),
        (
            {"provider": SsoProvider.GOOGLE, "email_domains": ""},
            "email_domains",
            "give the organisation&#x27;s Google Workspace domain(s)",
        ),
    ],
)
def test_bad_settings_name_the_field_and_change_nothing(
    cast: Cast, changes: dict[str, str], field: str, words: str
) -> None:
    before = _state(cast.organisation)
    response = signed_in(cast.admin).post(URL, _form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page or f'id="id_{field}_0_error"' in page
    assert words in page
    assert _state(cast.organisation) == before


def test_password_sign_in_cannot_be_turned_off_with_sign_in_by_account_off(
    cast: Cast, secret_file: Path
) -> None:
    _configured(cast.organisation)
    _tried(cast.admin)
    before = _state(cast.organisation)
    response = signed_in(cast.admin).post(URL, _form(enabled="no", password_sign_in="no"))
    assert response.status_code == 400
    assert "otherwise nobody could sign in" in response.content.decode()
    assert _state(cast.organisation) == before


def test_password_sign_in_cannot_be_turned_off_without_the_secret(
    cast: Cast, settings: Any
) -> None:
    settings.SSO_CLIENT_SECRET_FILES = {}
    _configured(cast.organisation)
    _tried(cast.admin)
    before = _state(cast.organisation)
    response = signed_in(cast.admin).post(URL, _form(password_sign_in="no"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_password_sign_in_0_error"' in page or 'id="id_password_sign_in_error"' in page
    assert "once the client secret&#x27;s file is in place" in page
    assert _state(cast.organisation) == before


def test_password_sign_in_is_turned_off_only_by_someone_who_tried_the_account(
    cast: Cast, secret_file: Path
) -> None:
    _configured(cast.organisation)
    before = _state(cast.organisation)
    admin = signed_in(cast.admin)
    assert "sign in once with your organisation account" in admin.get(URL).content.decode()

    refused = admin.post(URL, _form(password_sign_in="no"))
    assert refused.status_code == 400
    assert "sign in once with your organisation account first" in refused.content.decode()
    assert _state(cast.organisation) == before

    _tried(cast.admin)
    accepted = admin.post(URL, _form(password_sign_in="no"))
    assert accepted.status_code == 302
    config = SingleSignOn.objects.get(organisation=cast.organisation)
    assert config.password_sign_in is False
    event = AuditEvent.objects.filter(action=AuditAction.SSO_CONFIGURED).latest("id")
    assert (event.actor_id, event.details["password_sign_in"]) == (cast.admin.pk, False)
    assert "password_sign_in" in event.details["changed"]


def test_accepting_the_providers_mfa_needs_the_dsl(cast: Cast, secret_file: Path) -> None:
    _configured(cast.organisation)
    before = _state(cast.organisation)
    refused = signed_in(cast.admin).post(URL, _form(accept_provider_mfa="yes"))
    assert refused.status_code == 400
    assert "only someone who may give the privileged roles (the DSL)" in refused.content.decode()
    assert _state(cast.organisation) == before

    accepted = signed_in(cast.dsl).post(URL, _form(accept_provider_mfa="yes"))
    assert accepted.status_code == 302
    assert SingleSignOn.objects.get(organisation=cast.organisation).accept_provider_mfa


@pytest.mark.parametrize("name", ["deputy", "slt", "teacher", "ict", "board"])
def test_others_may_neither_see_nor_change_the_settings(cast: Cast, name: str) -> None:
    _configured(cast.organisation)
    before = _state(cast.organisation)
    client = signed_in(cast.user(name))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(client_id="taken-over")).status_code == 403
    assert _state(cast.organisation) == before
    assert "Single sign-on" not in client.get("/organisation/").content.decode()


def test_another_organisations_administrator_changes_only_their_own(cast: Cast) -> None:
    _configured(cast.organisation)
    before = SingleSignOn.objects.filter(organisation=cast.organisation).values().first()
    signed_in(cast.outsider).post(URL, _form(client_id="kestrel-client"))
    assert SingleSignOn.objects.filter(organisation=cast.organisation).values().first() == before
    theirs = SingleSignOn.objects.get(organisation=cast.other_organisation)
    assert theirs.client_id == "kestrel-client"
    anonymous = Client().post(URL, _form())
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/sign-in/")
