"""A parent reports a worry on the public page from a phone; the DSL's email arrives on a real
SMTP server; the DSL triages it as an immediate risk, links the learner, records the police
referral; the learner's chronology, on the page and in its PDF, shows it all in order.
Every page passes axe-core's WCAG 2.2 AA rules."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from chaperon.concerns.models import Concern
from chaperon.people.models import Organisation
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox, text_of
from tests.picker_support import choose_person

from .helpers import always_in_hours, pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("INC-1"),
    pytest.mark.clause("INC-3"),
    pytest.mark.clause("INC-5"),
    pytest.mark.clause("ORG-1"),
]

PHONE = ViewportSize(width=390, height=844)


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def parent_reports(page: Page, base: str, cast: Cast) -> str:
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/report/{cast.organisation.slug}/")
    expect(
        page.get_by_role("heading", name="Report a worry about a child's safety")
    ).to_be_visible()
    expect(page.get_by_text("Safeguarding line 01632 960 123")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("CEOP Safety Centre"))).to_have_attribute(
        "href", "https://www.ceop.police.uk/Safety-Centre/"
    )
    expect(page.get_by_text("Do not delete them", exact=False)).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)

    # A mistake first: nothing is sent without saying what happened.
    page.get_by_label("Your name").fill("Pat Meadow")
    page.get_by_role("button", name="Send my report").click()
    expect(page.get_by_role("alert")).to_contain_text("What happened")
    assert_accessible(page)
    assert not Concern.objects.exists()

    page.get_by_role("group", name="You are").get_by_label("Parent or carer").check()
    page.get_by_label("Their name, if you know it").fill("Robin")
    page.get_by_role("group", name="Which kind of risk is it?").get_by_label(
        re.compile("^Contact")
    ).check()
    page.get_by_role("group", name=re.compile("What is it about")).get_by_label("Grooming").check()
    page.get_by_label("What happened, or what worries you").fill(
        "An adult in an online game told my son to meet him tonight and not tell anyone."
    )
    page.get_by_label(re.compile("where are they")).fill("Messages on his tablet, in the game")
    page.get_by_label("Who has seen them?").fill("Me and my son")
    page.get_by_label("Someone may be in immediate danger").check()
    page.get_by_role("button", name="Send my report").click()
    expect(page.get_by_role("heading", name="Thank you: your report has been sent")).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(rf"SG-{date.today().year}-\d{{4}}", reference)
    assert "Robin" not in page.locator("main").inner_text()  # nothing about the child back
    return reference


def test_a_parent_report_reaches_the_dsl_and_ends_in_the_chronology(
    cast: Cast, smtp_server: Mailbox, live_server, page: Page, settings
) -> None:
    settings.SITE_URL = live_server.url
    always_in_hours(cast.organisation)
    Organisation.objects.filter(pk=cast.organisation.pk).update(
        safeguarding_contacts="Safeguarding line 01632 960 123 (Dana Sefton, DSL)"
    )
    base = live_server.url
    reference = parent_reports(page, base, cast)

    # The DSL's email arrived through the SMTP server, with the link to the case.
    [email] = smtp_server.to(cast.dsl.email)
    assert reference in str(email["Subject"]) and "URGENT" in str(email["Subject"])
    link = re.search(r"https?://\S+/concerns/\d+/", text_of(email))
    assert link is not None
    assert smtp_server.to(cast.deputy.email)

    # The DSL opens it and triages: an immediate risk.
    session = signed_in(cast.dsl).session
    page.set_viewport_size(ViewportSize(width=1280, height=900))
    sign_in_page(page, base, str(session.session_key))
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name=f"Concern {reference}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("illegal")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("immediate risk")).get_by_label(
        "Yes: immediate danger"
    ).check()
    page.get_by_role("group", name=re.compile("What risk is posed")).get_by_label(
        "At risk of significant harm"
    ).check()
    page.get_by_label("Why: what you know of the risk").fill(
        "An adult arranging to meet a 13-year-old tonight."
    )
    page.get_by_role("button", name="Record the triage and open its steps").click()
    expect(page.get_by_text("Triage recorded")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Refer to children's social care or the police at once"))
    ).to_be_visible()
    assert_accessible(page)

    # The public report named no record: the DSL links Robin's, with the reason.
    choose_person(page, "Learner", "Robin", "Robin Alder (no group)")
    page.get_by_label("Why it changes").fill("The parent's son is Robin Alder (Year 8).")
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_text("Changed the learner; the reason is recorded.")).to_be_visible()

    # The police referral, with its date and reference number.
    page.get_by_label("Referred to").select_option(label="Police")
    page.get_by_label("Date of the referral").fill(date.today().isoformat())
    page.get_by_label("Their reference number").fill("CAD-2207")
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text(re.compile("Referral recorded; 2 step"))).to_be_visible()
    assert_accessible(page)

    # The chronology shows it all, in order.
    page.get_by_role("link", name="chronology").click()
    expect(page.get_by_role("heading", name="Chronology: Robin Alder")).to_be_visible()
    assert_accessible(page)
    items = page.locator(".chronology-item").all_inner_texts()
    joined = "\n".join(items)
    positions = [
        joined.index("Raised by Pat Meadow"),
        joined.index("Triaged: immediate risk"),
        joined.index("Changed: learner"),
        joined.index("CAD-2207"),
    ]
    assert positions == sorted(positions)

    pdf = page.request.get(f"{base}/concerns/learners/{cast.learner.pk}/chronology.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body())
    in_pdf = [
        text.index("Raised by Pat Meadow"),
        text.index("Triaged: immediate risk"),
        text.index("CAD-2207"),
    ]
    assert in_pdf == sorted(in_pdf)
