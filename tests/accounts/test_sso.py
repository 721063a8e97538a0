"""Sign-in with an organisation account, against a real OpenID provider run locally
(tests/accounts/oidc_provider.mjs): organisation accounts only (SES-11), every refusal audited
(LOG-2)."""

import pyotp
import pytest
from django.test import Client

from chaperon.accounts.models import SsoIdentity, SsoProvider, TotpDevice
from chaperon.accounts.services import new_totp_secret
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.people import services as people_services
from tests import factories
from tests.conftest import Cast
from tests.oidc_support import (
    OTHER_TENANT,
    PERSONAL_TENANT,
    LocalProvider,
    account,
    configure,
    provider_callback,
)

pytestmark = [pytest.mark.clause("SES-11"), pytest.mark.clause("LOG-2")]


def _events(action: AuditAction) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _refusal(reason: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=AuditAction.SSO_SIGN_IN_REFUSED).last()
    assert event is not None
    assert event.details["reason"] == reason
    return event


def _signed_in(client: Client) -> bool:
    return client.get("/dashboard/").status_code == 200


def _assert_refused(client: Client, response, reason: str, words: str) -> None:
    assert response.status_code == 403
    assert words in response.content.decode()
    assert not _signed_in(client)
    assert _events(AuditAction.SIGN_IN) == 0
    _refusal(reason)


def test_staff_member_signs_in_and_is_linked_by_subject(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "terry"))
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert _signed_in(client)
    identity = SsoIdentity.objects.get()
    assert (identity.user, identity.subject) == (cast.teacher, "sub-terry")
    assert identity.issuer == oidc_provider.issuer
    sign_in = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert sign_in.actor_id == cast.teacher.pk
    assert sign_in.details["method"] == "organisation account"
    assert _events(AuditAction.SSO_IDENTITY_LINKED) == 1


def test_changed_email_still_signs_in_the_same_person_by_subject(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts(
        {
            "terry": account(cast.teacher, sub="sub-terry"),
            # The same account at the provider after its address was changed there, to an
            # address that is another member of staff's in Chaperon.
            "terry-renamed": account(cast.teacher, sub="sub-terry", email=cast.teacher2.email),
        }
    )
    first = Client()
    first.get(provider_callback(first, cast.organisation.slug, "terry"))
    assert _signed_in(first)
    again = Client()
    response = again.get(provider_callback(again, cast.organisation.slug, "terry-renamed"))
    assert response.status_code == 302
    assert again.get("/dashboard/").context["user"] == cast.teacher
    assert SsoIdentity.objects.count() == 1
    assert not SsoIdentity.objects.filter(user=cast.teacher2).exists()


def test_unverified_email_is_never_matched(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry", verified=False)})
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "terry"))
    _assert_refused(client, response, "unverified_email", "has not verified the email address")
    assert not SsoIdentity.objects.exists()


def test_personal_microsoft_account_is_refused(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts(
        {
            "home": account(
                cast.teacher, sub="sub-home", tid=PERSONAL_TENANT, email="t@outlook.example"
            )
        }
    )
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "home"))
    _assert_refused(client, response, "personal_account", "That is a personal account")
    assert not SsoIdentity.objects.exists()


def test_another_tenants_account_is_refused_even_with_a_staff_email(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"elsewhere": account(cast.teacher, sub="sub-x", tid=OTHER_TENANT)})
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "elsewhere"))
    _assert_refused(client, response, "other_organisation", "belongs to another organisation")
    assert not SsoIdentity.objects.exists()


def test_google_workspace_needs_the_organisations_domain(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    domain = cast.teacher.email.rpartition("@")[2]
    configure(oidc_provider, cast.organisation, settings, kind=SsoProvider.GOOGLE, domains=domain)
    oidc_provider.accounts(
        {
            "gmail": account(cast.teacher, sub="g-1", tid="", email="terry@gmail.example"),
            "other": account(cast.teacher, sub="g-2", tid="", hd="kestrel.example"),
            "terry": account(cast.teacher, sub="g-3", tid="", hd=domain),
        }
    )
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "gmail"))
    _assert_refused(client, response, "personal_account", "That is a personal account")
    response = client.get(provider_callback(client, cast.organisation.slug, "other"))
    _assert_refused(client, response, "other_organisation", "belongs to another organisation")
    response = client.get(provider_callback(client, cast.organisation.slug, "terry"))
    assert response.status_code == 302
    assert _signed_in(client)


def test_token_for_another_audience_is_refused(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings, client_id="chaperon-wrong-aud")
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "terry"))
    _assert_refused(client, response, "wrong_audience", "issued for another application")
    assert not SsoIdentity.objects.exists()


def test_expired_token_is_refused(cast: Cast, oidc_provider: LocalProvider, settings) -> None:
    configure(oidc_provider, cast.organisation, settings, client_id="chaperon-expired")
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "terry"))
    _assert_refused(client, response, "expired", "had expired")
    assert not SsoIdentity.objects.exists()


def test_a_used_callback_cannot_be_replayed(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    callback = provider_callback(client, cast.organisation.slug, "terry")
    assert client.get(callback).status_code == 302
    # Again in the same browser: its state was used up by the first.
    response = client.get(callback)
    assert response.status_code == 403
    assert "already used" in response.content.decode()
    _refusal("replayed")
    client.post("/accounts/sign-out/")
    response = client.get(callback)
    assert response.status_code == 403
    assert not _signed_in(client)
    _refusal("not_started")
    # Nor in another browser, which never started it.
    stranger = Client()
    response = stranger.get(callback)
    assert response.status_code == 403
    assert "not started from this page" in response.content.decode()
    assert not _signed_in(stranger)
    assert _events(AuditAction.SIGN_IN) == 1  # the first, genuine one only
    assert _events(AuditAction.SSO_SIGN_IN_REFUSED) == 3


def _swapped(client: Client, slug: str) -> str:
    """Two sign-ins started in one browser: the code of the first, brought back with the
    state of the second."""
    first = provider_callback(client, slug, "terry")
    second = provider_callback(client, slug, "terry")
    code = first.split("code=")[1].split("&")[0]
    state = second.split("state=")[1].split("&")[0]
    return f"{first.split('?')[0]}?code={code}&state={state}"


def test_a_token_made_for_another_sign_in_fails_its_nonce(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    # Without PKCE the provider hands over the token: its nonce is the first sign-in's.
    configure(oidc_provider, cast.organisation, settings, client_id="chaperon-no-pkce")
    settings.OIDC_USE_PKCE = False
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    response = client.get(_swapped(client, cast.organisation.slug))
    _assert_refused(client, response, "replayed", "already used")
    assert not SsoIdentity.objects.exists()


def test_with_pkce_the_provider_refuses_a_code_brought_back_with_another_state(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    response = client.get(_swapped(client, cast.organisation.slug))
    _assert_refused(client, response, "provider_error", "did not answer properly")


def test_staff_member_who_left_is_refused(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts({"terry": account(cast.teacher, sub="sub-terry")})
    client = Client()
    client.get(provider_callback(client, cast.organisation.slug, "terry"))
    assert _signed_in(client)
    client.post("/accounts/sign-out/")
    staff = cast.teacher.staff_record()
    assert staff is not None
    people_services.staff_mark_left(actor=SYSTEM, staff=staff)
    response = client.get(provider_callback(client, cast.organisation.slug, "terry"))
    _assert_refused_after_left(client, response)


def _assert_refused_after_left(client: Client, response) -> None:
    assert response.status_code == 403
    assert "no longer signs in" in response.content.decode()
    assert not _signed_in(client)
    assert _events(AuditAction.SIGN_IN) == 1
    _refusal("disabled")


def test_no_staff_record_with_that_email_is_refused(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    oidc_provider.accounts(
        {"outsider": account(cast.outsider, sub="sub-olly")}  # staff, of another organisation
    )
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "outsider"))
    _assert_refused(client, response, "no_staff_record", "No member of staff")
    assert not SsoIdentity.objects.exists()


def test_dsl_gives_the_second_factor_after_the_provider(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings, accept_provider_mfa=False)
    device = TotpDevice.objects.create(
        user=cast.dsl, secret=new_totp_secret(), confirmed_at="2026-01-01T00:00:00Z"
    )
    oidc_provider.accounts({"dana": account(cast.dsl, sub="sub-dana", amr=["pwd", "mfa"])})
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "dana"))
    assert response["Location"] == "/accounts/second-factor/"
    assert not _signed_in(client)
    response = client.post("/accounts/second-factor/", {"code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302
    assert _signed_in(client)
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.details["second_factor"] is True
    assert event.details["method"] == "organisation account"


def test_dsl_with_provider_mfa_accepted_needs_no_second_code(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings, accept_provider_mfa=True)
    oidc_provider.accounts(
        {
            "dana-mfa": account(cast.dsl, sub="sub-dana", amr=["pwd", "mfa"]),
            "dana-pwd": account(cast.dsl, sub="sub-dana", amr=["pwd"]),
        }
    )
    without = Client()
    response = without.get(provider_callback(without, cast.organisation.slug, "dana-pwd"))
    assert response["Location"] == "/accounts/second-factor/"
    assert not _signed_in(without)
    client = Client()
    response = client.get(provider_callback(client, cast.organisation.slug, "dana-mfa"))
    assert response["Location"] == "/dashboard/"
    assert _signed_in(client)
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.details["second_factor"] == "provider"


def test_password_sign_in_can_be_turned_off(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings, password_sign_in=False)
    client = Client()
    response = client.post(
        "/accounts/sign-in/", {"email": cast.teacher.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "signs in with its own accounts" in response.content.decode()
    assert "Sign in with Microsoft Entra ID" in response.content.decode()
    assert not _signed_in(client)
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.details["reason"] == "password_off"
    # Another organisation's staff still sign in with their password.
    other = Client()
    other.post("/accounts/sign-in/", {"email": cast.outsider.email, "password": factories.PASSWORD})
    assert other.session.get("chaperon_pending_user") == cast.outsider.pk


def test_organisation_without_sso_has_no_start(cast: Cast) -> None:
    assert (
        Client().get(f"/accounts/sign-in/organisation/{cast.organisation.slug}/").status_code == 404
    )


def test_missing_client_secret_refuses_before_the_provider(
    cast: Cast, oidc_provider: LocalProvider, settings
) -> None:
    configure(oidc_provider, cast.organisation, settings)
    settings.SSO_CLIENT_SECRET_FILES = {}
    response = Client().get(f"/accounts/sign-in/organisation/{cast.organisation.slug}/")
    assert response.status_code == 403
    assert "does not sign in with organisation accounts" in response.content.decode()
    _refusal("not_configured")
