"""The booking form's pickers in a real browser, by keyboard only: type, arrow down, Enter;
the learner shows as chosen with a Remove button, the count is announced, and the booking
goes through. axe finds nothing wrong with the combobox open or closed."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.sessions.models import Session
from tests import factories
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, next_weekday_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_chooses_by_keyboard_and_books(cast: Cast, live_server, page: Page) -> None:
    consent_for(cast.learner, cast.dsl)
    for number in range(3):
        factories.learner(cast.organisation, first_name="Robyn", last_name=f"Ash{number}")
    sign_in_page(page, live_server.url, signed_in(cast.teacher).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/sessions/book/")
    page.get_by_label("1:1 session").check()
    page.get_by_label("Title", exact=True).fill("Careers conversation")
    page.get_by_label("Date").fill(next_weekday_at(10).date().isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Length in minutes").fill("40")
    # The script has made the search box a combobox; the Find button is gone.
    box = page.get_by_role("combobox", name="Learners", exact=True)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Find")).to_have_count(0)

    box.press_sequentially("rob")
    listbox = page.get_by_role("listbox", name="People found")
    expect(listbox.get_by_role("option")).to_have_count(4)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".picker [role=status]").first).to_have_text("4 people found.")
    assert_accessible(page)
    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    expect(first).to_have_text("Robin Alder (no group)")
    box.press("Enter")  # chooses; does not send the form
    expect(listbox).to_be_hidden()
    remove = page.get_by_role("button", name="Remove Robin Alder (no group)")
    expect(remove).to_be_visible()
    expect(page.locator(".picker [role=status]").first).to_have_text(
        "Robin Alder (no group) chosen."
    )
    assert not Session.objects.exists()

    # A second learner, then removed again: the Remove button is reached by Tab.
    box.press_sequentially("ash1")
    expect(listbox.get_by_role("option")).to_have_count(1)
    box.press("ArrowDown")
    box.press("Enter")
    extra = page.get_by_role("button", name="Remove Robyn Ash1 (no group)")
    extra.focus()
    page.keyboard.press("Enter")
    expect(extra).to_have_count(0)
    expect(box).to_be_focused()
    assert_accessible(page)

    # The organiser takes part anyway: the other staff's search does not offer them.
    staff = page.get_by_role("combobox", name="Other staff taking part", exact=True)
    staff.press_sequentially("finch")
    expect(page.locator(".picker [role=status]").nth(1)).to_have_text("Nobody found.")
    staff.fill("")

    page.get_by_label("Adult who will be in the house").fill("Morgan Alder")
    page.get_by_label("How the learners take part").select_option("Live video")
    page.get_by_label("Plan for the session").fill("Careers options and next steps.")
    page.get_by_label("Crisis process (for a one-to-one)").fill("Call the DSL; 999 in danger.")
    page.get_by_role("button", name="Check and book").click()
    expect(page.get_by_text("Booked. Everyone invited has been sent the details.")).to_be_visible()
    assert list(Session.objects.get().learners.all()) == [cast.learner]
    assert_accessible(page)
