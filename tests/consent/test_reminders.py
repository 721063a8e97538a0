"""Reminders for requests left unanswered: at most one every few days (an organisation setting),
none once answered, expired, or bounced; safe to run as often as anyone likes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent.models import ConsentRequest, ConsentSettings
from chaperon.consent.services import consent_reminders_send
from chaperon.consent.tasks import send_consent_reminders_task
from chaperon.core.scheduling import registered
from tests import factories
from tests.conftest import Cast
from tests.mail_support import Mailbox

from .helpers import (
    agree_to_all_but,
    answer_token,
    audit_since,
    clock_moved,
    form_data,
    last_seq,
    links_in,
    send_request,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-9")]


def _reminders(mailbox: Mailbox, address: str) -> list[str]:
    return [m["Subject"] for m in mailbox.to(address) if m["Subject"].startswith("Reminder:")]


def test_one_reminder_every_three_days_until_the_link_expires(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        consent_request = send_request(cast.teacher, cast.learner)
    since = last_seq()
    sent_on: list[int] = []
    for day in range(1, 17):
        with clock_moved(timedelta(days=day)), django_capture_on_commit_callbacks(execute=True):
            for _run in range(3):  # run often: still one reminder when due
                if consent_reminders_send():
                    sent_on.append(day)
    assert sent_on == [3, 6, 9, 12]  # the link expires on day 14
    reminders = _reminders(smtp_server, cast.guardian.email)
    assert reminders == ["Reminder: Consent for Robin Alder: please answer"] * 4
    consent_request.refresh_from_db()
    assert consent_request.reminders_sent == 4
    assert consent_request.email_delivery is not None
    assert consent_request.email_delivery.purpose == "consent_reminder"
    events = audit_since(since, AuditAction.CONSENT_REMINDER_SENT)
    assert [e.details["reminder"] for e in events] == [1, 2, 3, 4]
    assert {e.reason for e in events} == {"No answer yet"}
    # A reminder carries the same working links as the request.
    last = smtp_server.to(cast.guardian.email)[-1]
    assert links_in(last)["answer"] == f"/consent/r/{answer_token(consent_request)}/"


def test_the_interval_is_an_organisation_setting(cast: Cast, smtp_server: Mailbox) -> None:
    ConsentSettings.objects.create(organisation=cast.organisation, reminder_interval_days=5)
    send_request(cast.teacher, cast.learner)
    with clock_moved(timedelta(days=4, hours=23)):
        assert consent_reminders_send() == 0
    with clock_moved(timedelta(days=5, minutes=1)):
        assert consent_reminders_send() == 1


def test_reminders_stop_after_an_answer(cast: Cast, smtp_server: Mailbox) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    second_guardian = factories.guardian(cast.organisation, of=cast.learner)
    send_request(cast.teacher, cast.learner, guardian_ids=[second_guardian.pk])
    with clock_moved(timedelta(days=1)):
        response = Client().post(
            f"/consent/r/{answer_token(consent_request)}/", form_data(agree_to_all_but())
        )
        assert response.status_code == 302
    with clock_moved(timedelta(days=4)):
        # Neither the answered request, nor the other parent's for the same learner.
        assert consent_reminders_send() == 0


def test_no_reminder_to_an_address_that_bounced_or_a_guardian_without_one(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    cast.guardian.email = "morgan@bounces.example"
    cast.guardian.save()
    other = factories.learner(cast.organisation, first_name="Sam")
    factories.guardian(cast.organisation, of=other, email="")
    with django_capture_on_commit_callbacks(execute=True):
        send_request(cast.teacher, cast.learner)
        send_request(cast.teacher, other)
    with clock_moved(timedelta(days=4)):
        assert consent_reminders_send() == 0
    assert ConsentRequest.objects.filter(reminders_sent__gt=0).count() == 0


def test_the_command_and_the_periodic_task_send_them(cast: Cast, smtp_server: Mailbox) -> None:
    assert any(p.task is send_consent_reminders_task for p in registered())
    send_request(cast.teacher, cast.learner)
    out = StringIO()
    with clock_moved(timedelta(days=3, minutes=1)):
        call_command("send_consent_reminders", stdout=out)
        assert send_consent_reminders_task.call() == 0  # already sent by the command
    assert out.getvalue().strip() == "1 consent reminder sent"
