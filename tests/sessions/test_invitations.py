"""Invitations, updates and cancellations, received on a real SMTP server and parsed."""

import re
from datetime import timedelta

import icalendar
import pytest
from django.test import Client

from chaperon.sessions import services
from chaperon.sessions.models import Session
from tests.conftest import Cast
from tests.mail_support import Mailbox, subject_of, text_of
from tests.sessions.helpers import consent_for, next_weekday_at, one_to_one

pytestmark = pytest.mark.django_db(transaction=True)


def _calendar(message) -> icalendar.Calendar:
    [attachment] = [
        part for part in message.iter_attachments() if part.get_filename().endswith(".ics")
    ]
    assert attachment.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.get_content())


def _book(cast: Cast) -> Session:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast), title="Careers chat"
    )
    assert result.session is not None
    return result.session


@pytest.mark.clause("SES-7")
def test_the_guardian_gets_a_personal_link_the_passcode_and_a_calendar_file(
    cast: Cast, smtp_server: Mailbox
) -> None:
    session = _book(cast)
    [message] = [
        m for m in smtp_server.to(cast.guardian.email) if subject_of(m).startswith("Invitation")
    ]
    body = text_of(message)
    assert session.passcode in body
    assert "An adult should be in the house" in body
    link = re.search(r"http://127\.0\.0\.1:8000(/sessions/join/\S+/)", body)
    assert link is not None
    calendar = _calendar(message)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"session-{session.pk}@chaperon"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == session.start
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/London"

    page = Client().get(link.group(1))
    assert page.status_code == 200
    assert "Careers chat" in page.content.decode()
    forged = link.group(1).replace(link.group(1)[-6:-1], "00000")
    assert Client().get(forged).status_code == 404


@pytest.mark.clause("SES-6")
def test_senior_leaders_are_told_of_each_booking(cast: Cast, smtp_server: Mailbox) -> None:
    _book(cast)
    [notice] = smtp_server.to(cast.slt.email)
    assert subject_of(notice).startswith("Session booked: Careers chat")
    assert "Robin Alder" in text_of(notice)


def test_moving_sends_an_update_with_the_same_uid_and_cancelling_a_cancel(
    cast: Cast, smtp_server: Mailbox
) -> None:
    session = _book(cast)
    new_start = next_weekday_at(11, weekday=1)
    moved = services.session_reschedule(
        actor=cast.teacher, session=session, start=new_start, duration_minutes=30
    )
    assert moved.session is not None
    updates = [
        m for m in smtp_server.to(cast.guardian.email) if subject_of(m).startswith("Changed")
    ]
    [update] = updates
    [event] = _calendar(update).walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"]) == (f"session-{session.pk}@chaperon", 1)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)

    services.session_cancel(actor=cast.teacher, session=moved.session, reason="Adviser unwell")
    [cancel] = [
        m for m in smtp_server.to(cast.guardian.email) if subject_of(m).startswith("Cancelled")
    ]
    calendar = _calendar(cancel)
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"]) == (f"session-{session.pk}@chaperon", 2)
    assert "Adviser unwell" in text_of(cancel)
