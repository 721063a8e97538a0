import re

import pytest
from django.core import mail
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.roles import Role
from tests.conftest import Cast

NEW_PASSWORD = "quiet harbour lantern morning"


@pytest.fixture
def imported(cast: Cast):
    """A staff member created without a password, as the import does."""
    member = services.staff_create(
        actor=SYSTEM,
        organisation=cast.organisation,
        email="new.starter@harbour.example",
        full_name="Nell Starter",
        roles=[Role.TEACHER],
    )
    return member.user


def test_staff_without_a_password_choose_one_by_email(cast: Cast, imported) -> None:
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": imported.email})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [imported.email]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", str(message.body))
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/done/"
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_CHANGED, actor_id=imported.pk
    ).exists()

    signed = Client().post(
        "/accounts/sign-in/", {"email": imported.email, "password": NEW_PASSWORD}
    )
    assert signed["Location"] == "/dashboard/"

    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert "no longer works" in again.content.decode()


def test_unknown_address_sends_nothing_and_says_the_same(cast: Cast) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_weak_password_is_refused_with_the_reason(cast: Cast, imported) -> None:
    client = Client()
    client.post("/accounts/password/reset/", {"email": imported.email})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    page = client.get(link.group(1), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    imported.refresh_from_db()
    assert not imported.has_usable_password()
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()
