from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from chaperon.core.email_queue import queue_email
from chaperon.core.models import OutboxMessage
from chaperon.core.outbox_backend import OutboxBackend
from chaperon.people.models import Organisation, User
from tests.conftest import Cast, signed_in

OUTBOX = {"default": {"BACKEND": "chaperon.core.outbox_backend.OutboxBackend"}}


@pytest.fixture
def demo_teacher(db: None) -> User:
    call_command("load_demo", stdout=StringIO())
    return User.objects.get(email="teacher1@larkspur.example")


def _queue_for(organisation: Organisation, subject: str, callbacks) -> None:
    with override_settings(MAILERS=OUTBOX), callbacks(execute=True):
        queue_email(
            to="parent@home.example",
            subject=subject,
            text="Body with http://127.0.0.1:8000/x/",
            purpose="test",
            organisation_id=organisation.pk,
        )


@override_settings(OUTBOX_PAGE=True)
def test_demo_staff_read_their_organisations_outbox(
    demo_teacher: User, django_capture_on_commit_callbacks
) -> None:
    _queue_for(
        demo_teacher.organisation, "Consent for online sessions", django_capture_on_commit_callbacks
    )
    assert OutboxMessage.objects.get().to == "parent@home.example"
    page = signed_in(demo_teacher).get("/outbox/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Consent for online sessions" in body
    assert 'href="http://127.0.0.1:8000/x/"' in body


@override_settings(OUTBOX_PAGE=True)
def test_a_password_link_sent_straight_to_a_member_of_staff_is_shown_to_their_organisation(
    demo_teacher: User, cast: Cast
) -> None:
    message = mail.EmailMessage(
        "Choose your Chaperon password", "Open the link.", to=[demo_teacher.email]
    )
    assert OutboxBackend().send_messages([message]) == 1
    assert (
        "Choose your Chaperon password" in signed_in(demo_teacher).get("/outbox/").content.decode()
    )
    assert (
        "Choose your Chaperon password" not in signed_in(cast.dsl).get("/outbox/").content.decode()
    )


@override_settings(OUTBOX_PAGE=True)
def test_each_person_sees_only_their_own_organisations_mail(
    demo_teacher: User, cast: Cast, django_capture_on_commit_callbacks
) -> None:
    _queue_for(demo_teacher.organisation, "Larkspur news", django_capture_on_commit_callbacks)
    _queue_for(cast.organisation, "Harbour View news", django_capture_on_commit_callbacks)
    demo_page = signed_in(demo_teacher).get("/outbox/").content.decode()
    assert "Larkspur news" in demo_page and "Harbour View" not in demo_page
    other_page = signed_in(cast.dsl).get("/outbox/").content.decode()
    assert "Harbour View news" in other_page and "Larkspur" not in other_page
    assert Client().get("/outbox/").status_code == 302


@override_settings(OUTBOX_PAGE=False)
def test_the_outbox_is_off_unless_configured(demo_teacher: User) -> None:
    assert signed_in(demo_teacher).get("/outbox/").status_code == 404
