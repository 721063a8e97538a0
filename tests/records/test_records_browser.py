"""In a real browser: the teacher writes the record of a session that has ended, with one
action, and the DSL reads it. Both pages pass axe-core's WCAG 2.2 AA checks."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.records.models import MeetingRecord
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.picker_support import choose_person

from .helpers import SUMMARY, ended_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("LOG-1"),
]


@pytest.mark.clause("LOG-2")
def test_the_teacher_writes_the_record_and_the_dsl_reads_it(
    cast: Cast, live_server, page: Page
) -> None:
    session = ended_session(cast)
    due = date.today() + timedelta(days=5)
    sign_in_page(page, live_server.url, signed_in(cast.teacher).cookies["sessionid"].value)

    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("link", name="Write the meeting record").click()
    expect(page.get_by_role("heading", name="Write the meeting record: Careers")).to_be_visible()
    expect(page.get_by_text("Not recorded by the room").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Phone call").check()
    page.get_by_label("Summary of the discussion").fill(SUMMARY)
    page.get_by_label("What is to be done").fill("Send the open evening details")
    choose_person(page, "Who will do it (a member of staff)", "Finch", "Terry Finch")
    page.get_by_label("Due by").fill(due.isoformat())
    page.get_by_role("button", name="Save the record").click()

    expect(page.get_by_text("Meeting record saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Meeting record: Careers")).to_be_visible()
    meeting_record = MeetingRecord.objects.get(session=session)
    [action] = meeting_record.actions.all()
    assert (action.owner, action.due_on) == (cast.teacher, due)

    page.context.clear_cookies()
    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("link", name="Read the meeting record").click()
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    row = page.get_by_role("row", name="Send the open evening details")
    expect(row).to_contain_text("Terry Finch")
    expect(page.get_by_text("Phone call")).to_be_visible()
    assert_accessible(page)
    assert AuditEvent.objects.filter(
        action=AuditAction.MEETING_RECORD_VIEWED, actor_id=cast.dsl.pk
    ).exists()
