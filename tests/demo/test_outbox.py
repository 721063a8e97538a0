from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from chaperon.core.mail import OutboxBackend
from chaperon.core.models import OutboxMessage
from chaperon.people.models import User
from tests.conftest import Cast, signed_in


@pytest.fixture
def demo_teacher(db: None) -> User:
    call_command("load_demo", stdout=StringIO())
    return User.objects.get(email="teacher1@larkspur.example")


def _send_to_outbox(subject: str) -> None:
    message = mail.EmailMessage(
        subject, "Body with http://127.0.0.1:8000/x/", to=["a@home.example"]
    )
    assert OutboxBackend().send_messages([message]) == 1


@override_settings(OUTBOX_PAGE=True)
def test_demo_staff_read_the_outbox(demo_teacher: User) -> None:
    _send_to_outbox("Choose your Chaperon password")
    assert OutboxMessage.objects.get().to == "a@home.example"
    page = signed_in(demo_teacher).get("/outbox/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Choose your Chaperon password" in body
    assert 'href="http://127.0.0.1:8000/x/"' in body


@override_settings(OUTBOX_PAGE=True)
def test_staff_of_a_real_organisation_never_see_the_outbox(cast: Cast) -> None:
    _send_to_outbox("Someone else's link")
    assert signed_in(cast.dsl).get("/outbox/").status_code == 404
    assert Client().get("/outbox/").status_code == 302


@override_settings(OUTBOX_PAGE=False)
def test_the_outbox_is_off_unless_configured(demo_teacher: User) -> None:
    assert signed_in(demo_teacher).get("/outbox/").status_code == 404
