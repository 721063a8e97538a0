import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from chaperon.core.email_queue import Attachment, queue_email
from chaperon.core.models import DeliveryStatus, EmailDelivery
from tests.mail_support import Mailbox, text_of

pytestmark = pytest.mark.django_db


def _queue(to: str = "parent@home.example", **extra: object) -> EmailDelivery:
    return queue_email(
        to=to,
        subject="Consent for online sessions",
        text="Please open the link.",
        purpose="test",
        **extra,  # type: ignore[arg-type]
    )


def test_email_is_delivered_after_commit_and_recorded(
    smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _queue(
            attachments=[Attachment("invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n")]
        )
        assert smtp_server.messages == []  # nothing leaves before the commit
    [message] = smtp_server.to("parent@home.example")
    assert message["Subject"] == "Consent for online sessions"
    assert text_of(message).strip() == "Please open the link."
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at is not None and delivery.attempts == 1
    assert delivery.message_id == message["Message-ID"]


def test_a_rolled_back_change_sends_nothing(smtp_server: Mailbox) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert smtp_server.messages == []
    assert not EmailDelivery.objects.exists()


def test_an_address_the_server_refuses_is_recorded_as_refused(
    smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _queue(to="nobody@bounces.example")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REFUSED
    assert "No such user" in delivery.last_error
    assert smtp_server.messages == []


def test_a_server_that_is_down_leaves_the_email_failed_for_a_retry(
    django_capture_on_commit_callbacks,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 2},
        }
    }
    with override_settings(MAILERS=mailers), django_capture_on_commit_callbacks(execute=True):
        delivery = _queue()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error


def test_email_left_queued_is_sent_by_the_command(smtp_server: Mailbox) -> None:
    delivery = _queue()  # the commit never comes inside this test: as after a crash
    out = StringIO()
    call_command("send_queued_email", stdout=out)
    assert "1 queued email handled: 1 sent" in out.getvalue()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp_server.messages) == 1
    call_command("send_queued_email", stdout=StringIO())
    assert len(smtp_server.messages) == 1


@pytest.mark.clause("LOG-1")
def test_an_email_that_cannot_be_made_fails_loudly_with_its_reason(
    smtp_server: Mailbox, django_capture_on_commit_callbacks, caplog: pytest.LogCaptureFixture
) -> None:
    # A name with a line break in it, as a learner's once was, put in the subject.
    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue_email(
            to="parent@home.example",
            subject="Consent for Tern\r\nBcc: someone@elsewhere.example",
            text="Please open the link.",
            purpose="consent_request",
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.INVALID
    assert "could not be made" in delivery.last_error
    assert "linefeed or carriage return" in delivery.last_error
    assert smtp_server.messages == []
    [logged] = [record for record in caplog.records if record.levelname == "ERROR"]
    assert logged.getMessage() == (
        f"email {delivery.pk} purpose=consent_request status={DeliveryStatus.INVALID}"
    )
    # Never tried again: the same message would fail the same way.
    call_command("send_queued_email", stdout=StringIO())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.INVALID and delivery.attempts == 1


def test_each_email_keeps_one_message_id_from_the_moment_it_is_queued(
    smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _queue()
        queued_id = delivery.message_id
    assert queued_id.startswith("<") and queued_id.endswith(">")
    [message] = smtp_server.messages
    assert message["Message-ID"] == queued_id
