"""The lists in a real browser, each long enough to have pages: the search and filter forms and
the page links pass axe-core's WCAG 2.2 AA rules, and the next page keeps the filters."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chaperon.people.models import Learner
from chaperon.sessions.models import Session
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("/learners/?year_group=Year+8", "Learners"),
    ("/staff/", "Staff"),
    ("/sessions/", "Sessions"),
    ("/concerns/?show=all", "Concerns"),
    ("/consent/staff/", "Staff consent to recording"),
    ("/concerns/learners/{learner}/chronology/", "Chronology: Robin Alder"),
    ("/consent/groups/?year_group=Year+8", "Consent by year or group"),
]


def _many(cast: Cast, count: int) -> None:
    Learner.objects.bulk_create(
        Learner(
            organisation=cast.organisation,
            first_name=f"Pupil{n:03d}",
            last_name="Many",
            date_of_birth=date(2012, 1, 1),
            year_group="Year 8",
        )
        for n in range(count)
    )
    start = timezone.now() + timedelta(days=1)
    sessions = Session.objects.bulk_create(
        Session(
            organisation=cast.organisation,
            organiser=cast.teacher,
            kind="group",
            title=f"Lesson {n:03d}",
            start=start - timedelta(days=60) + timedelta(days=n),
            duration_minutes=45,
            status="booked",
        )
        for n in range(count + 60)
    )
    Session.learners.through.objects.bulk_create(
        Session.learners.through(session_id=session.pk, learner_id=cast.learner.pk)
        for session in sessions
    )


def test_long_lists_are_accessible_and_keep_their_filters(
    cast: Cast, live_server, page: Page
) -> None:
    _many(cast, 55)
    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    for path, heading in PAGES:
        page.goto(live_server.url + path.format(learner=cast.learner.pk))
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)

    page.goto(f"{live_server.url}/learners/")
    page.get_by_label("Year or group").select_option("Year 8")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("55 learners found: page 1 of 2")).to_be_visible()
    page.get_by_role("navigation", name="Pages of learners").get_by_role("link").click()
    expect(page.get_by_text("Page 2 of 2", exact=True)).to_be_visible()
    assert "year_group=Year+8" in page.url and "page=2" in page.url
    expect(page.get_by_role("link", name="Pupil054 Many")).to_be_visible()
    assert_accessible(page)
