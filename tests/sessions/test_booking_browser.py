"""A teacher books in a real browser; the invitation arrives on a real SMTP server."""

import icalendar
import pytest
from playwright.sync_api import Page, expect

from chaperon.sessions.models import Session
from tests import factories
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox, subject_of
from tests.picker_support import choose_person
from tests.sessions.helpers import consent_for, next_weekday_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page: Page, *, kind: str, title: str, learners: list[str]) -> None:
    start = next_weekday_at(10)
    page.get_by_label(kind).check()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Date").fill(start.date().isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Length in minutes").fill("40")
    for learner in learners:  # a search, then a choice: the page never lists every learner
        choose_person(page, "Learners", learner.split(" (")[0], learner)


@pytest.mark.clause("SES-7")
@pytest.mark.clause("SES-4")
def test_a_teacher_books_a_one_to_one_and_is_refused_a_group_with_one_adult(
    cast: Cast,
    live_server,
    page: Page,
    smtp_server: Mailbox,
) -> None:
    consent_for(cast.learner, cast.dsl)
    classmate = factories.learner(cast.organisation, first_name="Sasha", last_name="Birch")
    factories.guardian(cast.organisation, of=classmate)
    consent_for(classmate, cast.dsl)
    sign_in_page(page, live_server.url, signed_in(cast.teacher).cookies["sessionid"].value)

    page.goto(f"{live_server.url}/sessions/book/")
    assert_accessible(page)
    _fill(
        page, kind="1:1 session", title="Careers conversation", learners=["Robin Alder (no group)"]
    )
    page.get_by_label("Adult who will be in the house").fill("Morgan Alder")
    page.get_by_label("How the learners take part").select_option("Live video")
    page.get_by_label("Plan for the session").fill("Careers options and next steps.")
    page.get_by_label("Crisis process (for a one-to-one)").fill("Call the DSL; 999 in danger.")
    page.get_by_label("Invite the learners' parents or carers to drop in").check()
    page.get_by_role("button", name="Check and book").click()
    expect(page.get_by_role("heading", name="Careers conversation")).to_be_visible()
    expect(page.get_by_text("Booked. Everyone invited has been sent the details.")).to_be_visible()
    assert_accessible(page)

    session = Session.objects.get()
    [invitation] = [
        message
        for message in smtp_server.to(cast.guardian.email)
        if subject_of(message).startswith("Invitation: Careers conversation")
    ]
    [ics] = [
        part for part in invitation.iter_attachments() if part.get_filename() == "invitation.ics"
    ]
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"session-{session.pk}@chaperon"
    assert event.decoded("DTSTART") == session.start

    page.goto(f"{live_server.url}/sessions/book/")
    _fill(
        page,
        kind="Group session",
        title="Year 9 revision",
        learners=["Robin Alder (no group)", "Sasha Birch (no group)"],
    )
    page.get_by_label("How the learners take part").select_option("Audio only (no cameras)")
    page.get_by_label("Plan for the session").fill("Past papers, question by question.")
    page.get_by_role("button", name="Check and book").click()
    refusal = page.get_by_role("alert")
    expect(refusal.get_by_role("heading", name="This session cannot be booked")).to_be_visible()
    expect(refusal).to_contain_text("SES-4")
    expect(refusal).to_contain_text("Add a second member of staff.")
    assert_accessible(page)
    assert Session.objects.count() == 1
