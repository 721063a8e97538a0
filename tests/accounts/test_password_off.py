"""An organisation that turns password sign-in off (its staff sign in only with its own
accounts): no reset link is sent to its staff, the page says the same as for an unknown
address, and a link sent before it was turned off no longer sets a password."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chaperon.accounts.models import SsoProvider
from chaperon.accounts.services import SsoSettings, sso_configure
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.people.models import Organisation, User
from tests.conftest import Cast

NEW_PASSWORD = "quiet harbour lantern morning"
TENANT = "5d6a3c1e-0b7f-4c1a-9e58-8f2d2a0c7b11"  # a made-up Entra tenant id


def _password_sign_in(organisation: Organisation, *, on: bool) -> None:
    sso_configure(
        actor=SYSTEM,
        organisation=organisation,
        wanted=SsoSettings(
            provider=SsoProvider.ENTRA,
            issuer=f"https://login.microsoftonline.com/{TENANT}/v2.0",
            client_id="chaperon",
            tenant_id=TENANT,
            password_sign_in=on,
        ),
    )


def _reset_link(client: Client, email: str) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    found = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", str(mail.outbox[-1].body)
    )
    assert found is not None
    return found.group(1)


def test_a_reset_request_sends_nothing_and_answers_as_for_an_unknown_address(
    cast: Cast,
) -> None:
    _password_sign_in(cast.organisation, on=False)
    client = Client()

    theirs = client.post("/accounts/password/reset/", {"email": cast.teacher.email})
    nobodys = client.post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})

    assert mail.outbox == []
    assert (theirs.status_code, theirs["Location"]) == (nobodys.status_code, nobodys["Location"])
    assert client.get(theirs["Location"]).content == client.get(nobodys["Location"]).content
    # Another organisation's staff, still with passwords, are sent their link.
    client.post("/accounts/password/reset/", {"email": cast.outsider.email})
    assert [message.to for message in mail.outbox] == [[cast.outsider.email]]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_sent_before_passwords_were_turned_off_is_refused(cast: Cast, method: str) -> None:
    client = Client()
    link = _reset_link(client, cast.teacher.email)
    opened = client.get(link)  # Django moves the token into the session, then redirects
    assert opened.status_code == 302
    set_url = opened["Location"]
    password_before = User.objects.get(pk=cast.teacher.pk).password
    _password_sign_in(cast.organisation, on=False)

    if method == "get":
        response = client.get(link)
    else:
        response = client.post(
            set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    assert response.status_code == 403
    page = response.content.decode()
    assert "Harbour View School does not use Chaperon passwords" in page
    assert f'href="/accounts/sign-in/organisation/{cast.organisation.slug}/"' in page
    assert "Microsoft Entra ID" in page
    assert User.objects.get(pk=cast.teacher.pk).password == password_before
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


def test_with_passwords_back_on_the_same_link_works_again(cast: Cast) -> None:
    client = Client()
    link = _reset_link(client, cast.teacher.email)
    _password_sign_in(cast.organisation, on=False)
    assert client.get(link).status_code == 403
    _password_sign_in(cast.organisation, on=True)

    opened = client.get(link, follow=True)
    assert "Choose a new password" in opened.content.decode()


def test_a_made_up_link_says_only_that_it_no_longer_works(cast: Cast) -> None:
    _password_sign_in(cast.organisation, on=False)
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(cast.teacher.pk))
    page = client.get(f"/accounts/password/reset/{uid}/made-up-token/", follow=True)
    assert page.status_code == 200
    assert "This link no longer works" in page.content.decode()
    assert "does not use Chaperon passwords" not in page.content.decode()
