"""The staff pages of consent in a real browser: each passes axe-core's WCAG 2.2 AA rules, on a
desktop and on a phone."""

from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from chaperon.consent import services
from chaperon.consent.attachments import evidence_file
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

from .helpers import ALL_PURPOSES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("/consent/learners/{learner}/", "Consent: Robin Alder"),
    ("/consent/learners/{learner}/record/", "Record consent given another way"),
    ("/consent/learners/{learner}/withdraw/", "Record a withdrawal"),
    ("/consent/learners/{learner}/own-recording/", "A family’s own recording"),  # noqa: RUF001
    ("/consent/groups/?year_group=Year+8", "Consent by year or group"),
    ("/consent/statement/", "Consent statement"),
    ("/consent/staff/", "Staff consent to recording"),
    ("/consent/staff/mine/", "Your consent to being recorded"),
    ("/consent/staff/{staff}/employer/", "Employer’s consent for Terry Finch"),  # noqa: RUF001
    ("/recordings/", "Recordings"),
]


@pytest.mark.parametrize(
    "viewport", [ViewportSize(width=1280, height=900), ViewportSize(width=390, height=844)]
)
def test_every_staff_page_is_accessible(
    cast: Cast, live_server, page: Page, viewport: ViewportSize
) -> None:
    cast.learner.year_group = "Year 8"
    cast.learner.save()
    services.consent_request_send(actor=cast.dsl, learner=cast.learner, purposes=ALL_PURPOSES)
    services.consent_record_by_staff(
        actor=cast.dsl,
        learner=cast.learner,
        guardian_id=cast.guardian.pk,
        answered_by_name="Morgan Alder",
        channel="paper",
        answers={"live_group": "given", "recording": "given"},
        slots=[],
        given_on=date.today(),
        attachment=evidence_file(name="form.pdf", content=b"%PDF-1.4 form"),
    )
    services.staff_recording_consent_answer(
        actor=cast.teacher, answer="given", employer_name="Bright Tutors Ltd"
    )
    page.set_viewport_size(viewport)
    sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    for path, heading in PAGES:
        page.goto(
            live_server.url + path.format(learner=cast.learner.pk, staff=cast.teacher.staff.pk)
        )
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)

    # A form with mistakes shows them accessibly too.
    page.goto(f"{live_server.url}/consent/learners/{cast.learner.pk}/record/")
    page.get_by_role("button", name="Record the answers").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)
