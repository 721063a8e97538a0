"""Allegations about staff start as what they are, walked in a browser (INC-10, SES-10): a
learner's report about their teacher arrives as a child concern; the DSL re-classifies it as an
allegation about the teacher, sees the LADO referral due within one working day, and suspends
the teacher from sessions; the teacher can then neither book a 1:1 with the learner nor enter
the room of a session already booked, and is never told why. Every page passes axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, StaffSuspension
from chaperon.sessions import services as sessions
from chaperon.sessions.models import Session
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.picker_support import choose_person
from tests.sessions.helpers import consent_for, next_weekday_at, one_to_one

from .helpers import always_in_hours, public_concern

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("INC-10"),
    pytest.mark.clause("SES-10"),
]


def test_the_dsl_makes_a_report_an_allegation_and_suspends_the_teacher(
    cast: Cast, live_server, page: Page, settings
) -> None:
    settings.SITE_URL = live_server.url
    settings.ROOM_OPENS_MINUTES_BEFORE = 3 * 7 * 24 * 60  # the booked session's door is open
    base = live_server.url
    always_in_hours(cast.organisation)
    consent_for(cast.learner, cast.dsl)
    booked = sessions.session_book(
        actor=cast.teacher, proposal=one_to_one(cast), title="Careers chat"
    ).session
    assert booked is not None
    concern = public_concern(
        cast.organisation,
        reporter_name="Robin Alder",
        reporter_relation="learner",
        about_name="Robin",
        category="contact",
        description="Mr Finch keeps messaging me on my own phone late at night and asks me "
        "not to tell anyone.",
    )

    # The DSL re-classifies it as an allegation about Terry Finch, with the reason.
    sign_in_page(page, base, str(signed_in(cast.dsl).session.session_key))
    page.goto(f"{base}/concerns/{concern.pk}/")
    assert_accessible(page)
    choose_person(page, "The member of staff it is about", "Finch", "Terry Finch")
    page.get_by_label("Why it is an allegation about them").fill(
        "The learner describes contact from a member of staff on a personal phone."
    )
    page.get_by_role("button", name="Make it an allegation about them").click()
    expect(page.get_by_text("Now an allegation about Terry Finch")).to_be_visible()
    expect(page.get_by_text(re.compile("Restricted case: an allegation"))).to_be_visible()
    lado = page.locator(".step", has_text="local authority designated officer (LADO)")
    expect(lado).to_be_visible()
    expect(lado).to_contain_text("Owner Dana Sefton")
    expect(page.get_by_text("Member of staff it is about: none → Terry Finch")).to_be_visible()
    assert_accessible(page)

    # ... and suspends him from hosting and joining sessions while it is open.
    page.get_by_label("Why they may not run or join sessions while it is looked into").fill(
        "Until the LADO has advised."
    )
    page.get_by_role("button", name="Suspend Terry Finch from sessions").click()
    expect(
        page.get_by_role("heading", name="Terry Finch is suspended from sessions")
    ).to_be_visible()
    assert_accessible(page)
    assert StaffSuspension.objects.filter(user=cast.teacher, lifted_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_SUSPENDED).count() == 1

    # The deputy no longer finds the case.
    page.context.clear_cookies()
    sign_in_page(page, base, str(signed_in(cast.deputy).session.session_key))
    page.goto(f"{base}/concerns/")
    expect(page.get_by_role("heading", name="Concerns")).to_be_visible()
    expect(page.get_by_role("link", name=concern.reference)).to_have_count(0)

    # The teacher tries to book another 1:1 with Robin: refused, in neutral words.
    page.context.clear_cookies()
    sign_in_page(page, base, str(signed_in(cast.teacher).session.session_key))
    page.goto(f"{base}/sessions/book/")
    page.get_by_label("1:1 session").check()
    page.get_by_label("Title", exact=True).fill("Follow-up chat")
    start = next_weekday_at(11, weeks=2)
    page.get_by_label("Date").fill(start.date().isoformat())
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("Length in minutes").fill("30")
    choose_person(page, "Learners", "Robin Alder", "Robin Alder (no group)")
    page.get_by_label("Adult who will be in the house").fill("Morgan Alder")
    page.get_by_label("How the learners take part").select_option("Live video")
    page.get_by_label("Plan for the session").fill("Careers options and next steps.")
    page.get_by_label("Crisis process (for a one-to-one)").fill("Call the DSL; 999 in danger.")
    page.get_by_role("button", name="Check and book").click()
    refusal = page.get_by_role("alert")
    expect(refusal.get_by_role("heading", name="This session cannot be booked")).to_be_visible()
    expect(refusal).to_contain_text("may not run or join sessions at present")
    expect(refusal).to_contain_text("Book another member of staff.")
    for secret in ("allegation", "LADO", "concern", concern.reference):
        expect(refusal).not_to_contain_text(secret)
    assert_accessible(page)
    assert Session.objects.count() == 1

    # The session he had booked is no longer his to enter.
    page.goto(f"{base}/sessions/{booked.pk}/")
    expect(page.get_by_role("link", name="Go to the live room")).to_have_count(0)
    response = page.goto(f"{base}/rooms/{booked.pk}/")
    assert response is not None and response.status in (403, 404)
    assert "allegation" not in page.content().lower()
    assert Concern.objects.get().kind == "allegation"
