"""A guardian on a phone: opens the personal link from the email that arrived, agrees to taking
part but declines recording, signs, gets the receipt; a recorded session for the learner cannot
then be booked, an unrecorded one can; the guardian later withdraws from their own page and the
session already booked is flagged.
Every page passes axe-core's WCAG 2.2 AA rules and fits the screen."""

import json
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from chaperon.consent import services
from chaperon.consent.models import Consent, ConsentEvidence
from chaperon.consent.selectors import session_consent_facts
from chaperon.recordings.models import DestructionCertificate
from chaperon.sessions.models import Session
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox
from tests.picker_support import choose_person
from tests.sessions.helpers import next_weekday_at

from .helpers import ALL_PURPOSES, body, links_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("SES-1"),
    pytest.mark.clause("SES-8"),
    pytest.mark.clause("REC-4"),
    pytest.mark.clause("REC-7"),
]

PHONE = ViewportSize(width=390, height=844)
TAKING_PART = ["Taking part in live 1:1 video sessions", "Taking part in live group video sessions"]


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check_page(page: Page) -> None:
    assert_accessible(page)
    fits_the_screen(page)


def choose(page: Page, purpose: str, answer: str) -> None:
    page.get_by_role("group", name=purpose, exact=True).get_by_label(answer).check()


def open_the_emailed_link(page: Page, cast: Cast, smtp_server: Mailbox, live_server) -> None:
    """Staff send the request; the guardian opens the answer link from the email received."""
    services.consent_request_send(actor=cast.teacher, learner=cast.learner, purposes=ALL_PURPOSES)
    [message] = smtp_server.to(cast.guardian.email)
    link = f"{live_server.url}{links_in(message)['answer']}"
    assert link in body(message)  # the email holds the full address, not just a path
    page.set_viewport_size(PHONE)
    page.goto(link)


def agree_to_taking_part_but_not_recording(page: Page) -> None:
    for purpose in TAKING_PART:
        choose(page, purpose, "Yes, I agree")
    choose(page, "Being recorded in live sessions", "No, I do not agree")
    for purpose in ("Parent information read and agreed", "Acceptable use agreement"):
        choose(page, purpose, "Yes, I agree")
    choose(page, "Use of images", "No, I do not agree")
    days = page.get_by_role("group", name="Days", exact=True)
    days.get_by_label("Tuesday").check()
    days.get_by_label("Thursday").check()
    page.get_by_label("From", exact=True).fill("16:00")
    page.get_by_label("Until", exact=True).fill("17:00")
    page.get_by_label("Your full name").fill("Morgan Alder")
    page.get_by_role("button", name="Send my answers").click()


def book_one_to_one(page: Page, live_server, *, recorded: bool) -> None:
    """The teacher books a 1:1 with Robin on a Tuesday at 16:00, a time the guardian agreed."""
    start = next_weekday_at(16, weekday=1)
    page.goto(f"{live_server.url}/sessions/book/")
    page.get_by_label("1:1 session").check()
    page.get_by_label("Title", exact=True).fill("Careers conversation")
    page.get_by_label("Date").fill(start.date().isoformat())
    page.get_by_label("Start time").fill("16:00")
    page.get_by_label("Length in minutes").fill("40")
    choose_person(page, "Learners", "Robin", "Robin Alder (no group)")
    page.get_by_label("Adult who will be in the house").fill("Morgan Alder")
    page.get_by_label("How the learners take part").select_option("Live video")
    page.get_by_label("Plan for the session").fill("Careers options and next steps.")
    page.get_by_label("Crisis process (for a one-to-one)").fill("Call the DSL; 999 in danger.")
    page.get_by_label("Invite the learners' parents or carers to drop in").check()
    if recorded:
        page.get_by_label("Record this session").check()
        page.get_by_label("What the recording is for").fill("Reviewing the guidance given")
        page.get_by_label("The alternative to recording you considered").select_option(
            "A second member of staff observing"
        )
        page.get_by_label("Why recording is still needed").fill(
            "The learner asked to watch it back."
        )
    page.get_by_role("button", name="Check and book").click()


def test_a_guardian_on_a_phone_agrees_to_taking_part_but_not_to_recording(
    cast: Cast, smtp_server: Mailbox, live_server, page: Page, browser: Browser, settings
) -> None:
    settings.SITE_URL = live_server.url
    open_the_emailed_link(page, cast, smtp_server, live_server)
    expect(page.get_by_role("heading", name="Consent for Robin Alder")).to_be_visible()
    expect(page.get_by_text("Recording policy", exact=False).first).to_be_visible()
    check_page(page)

    # A mistake first: sending without signing shows what to fix, and saves nothing.
    choose(page, "Being recorded in live sessions", "No, I do not agree")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Type your full name")
    check_page(page)
    assert not ConsentEvidence.objects.exists()

    agree_to_taking_part_but_not_recording(page)
    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    expect(page.get_by_text("Being recorded in live sessions: declined")).to_be_visible()
    check_page(page)

    evidence = ConsentEvidence.objects.get()
    answers = dict(Consent.objects.values_list("purpose", "answer"))
    assert answers["recording"] == "declined"
    assert answers["live_one_to_one"] == answers["live_group"] == "given"
    facts = session_consent_facts(
        learner_ids=[cast.learner.pk], kind="one_to_one", on=date.today()
    )[cast.learner.pk]
    assert (facts.participation, facts.recording, facts.parent_information) == (
        "given",
        "declined",
        "confirmed",
    )
    assert facts.agreed_slots == [{"days": ["tue", "thu"], "from": "16:00", "to": "17:00"}]

    # The receipt: by email, to open as a PDF and to download as JSON from the page (REC-3).
    receipt_mail = [m for m in smtp_server.to(cast.guardian.email) if "receipt" in m["Subject"]]
    assert len(receipt_mail) == 1
    expect(page.get_by_text(f"Receipt number{evidence.receipt_number}")).to_be_visible()
    pdf = page.get_by_role("link", name="Open the receipt (PDF)")
    opened = page.request.get(f"{live_server.url}{pdf.get_attribute('href')}")
    assert opened.headers["content-type"] == "application/pdf"
    download = page.get_by_role("link", name="a machine-readable copy", exact=False)
    receipt = page.request.get(f"{live_server.url}{download.get_attribute('href')}")
    assert json.loads(receipt.body())["consentReceiptID"] == str(evidence.receipt_id)

    # The teacher cannot book a recorded session for Robin: the recording was declined. An
    # unrecorded 1:1 on an agreed day and time is booked.
    teacher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_page(teacher, live_server.url, signed_in(cast.teacher).cookies["sessionid"].value)
    book_one_to_one(teacher, live_server, recorded=True)
    refusal = teacher.get_by_role("alert")
    expect(refusal.get_by_role("heading", name="This session cannot be booked")).to_be_visible()
    expect(refusal).to_contain_text("REC-4")
    expect(refusal).to_contain_text("recording")
    assert_accessible(teacher)
    assert not Session.objects.exists()
    book_one_to_one(teacher, live_server, recorded=False)
    expect(
        teacher.get_by_text("Booked. Everyone invited has been sent the details.")
    ).to_be_visible()
    session = Session.objects.get()
    assert not session.flagged

    # Later, from their own page, the guardian withdraws consent to taking part.
    page.get_by_role("link", name="See, change or withdraw consent").click()
    expect(page.get_by_role("heading", name="Consent for Robin Alder")).to_be_visible()
    check_page(page)
    withdraw = page.get_by_role("group", name="What do you withdraw consent for?")
    withdraw.get_by_label("Taking part in live 1:1 video sessions").check()
    page.get_by_label("Your full name").fill("Morgan Alder")
    page.get_by_role("button", name="Withdraw consent").click()
    expect(page.get_by_role("status")).to_contain_text("Consent withdrawn")
    check_page(page)

    current = Consent.objects.get(purpose="live_one_to_one", superseded_at__isnull=True)
    assert current.answer == "withdrawn"
    # The session already booked is flagged at once, and its organiser told why.
    session.refresh_from_db()
    assert session.flagged
    assert "consent.participation" in {finding["rule"] for finding in session.findings}
    assert any("no longer allowed" in m["Subject"] for m in smtp_server.to(cast.teacher.email))
    teacher.goto(f"{live_server.url}/dashboard/")
    expect(teacher.get_by_role("heading", name="Sessions no longer allowed")).to_be_visible()
    assert_accessible(teacher)
    assert not DestructionCertificate.objects.exists()  # recording was never agreed
    assert any("withdrawn" in m["Subject"] for m in smtp_server.to(cast.dsl.email))
    assert (
        session_consent_facts(learner_ids=[cast.learner.pk], kind="one_to_one", on=date.today())[
            cast.learner.pk
        ].participation
        == "withdrawn"
    )


def test_a_used_link_on_a_phone_says_what_to_do(
    cast: Cast, smtp_server: Mailbox, live_server, page: Page, settings
) -> None:
    settings.SITE_URL = live_server.url
    open_the_emailed_link(page, cast, smtp_server, live_server)
    agree_to_taking_part_but_not_recording(page)
    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="See your answers, change them or withdraw consent").click()
    expect(page.get_by_role("heading", name="Consent for Robin Alder")).to_be_visible()
    assert ConsentEvidence.objects.count() == 1
