"""The whole product walked by its real users, in Chromium, against one ASGI server (pages and
the room's WebSockets) with a real SMTP server behind it:

the teacher and a senior leader consent to being recorded; the teacher tries to book a recorded
1:1 with Robin, is refused for want of consent, and asks Robin's mother for it; she answers on
her phone; the teacher books (the senior leader as second adult) and prepares; teacher, senior
leader and Robin meet in the live room, with fake cameras, and record with everyone's
agreement; Robin leaves and reports the teacher from the room; the DSL acknowledges and triages
it (Annex 1), makes it an allegation about the teacher, names the senior leader on it and
suspends the teacher, who can then book nothing; the senior leader opens the case and the
room's log but is offered neither the learner's chronology nor the recording; the DSL reads
the chronology, refers to the LADO, is refused closing while the suspension stands, lifts it
and closes the case.

Every page each of them sees passes axe-core's WCAG 2.2 AA rules."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Locator, Page, ViewportSize, expect

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain
from chaperon.concerns.models import Concern, StaffSuspension
from chaperon.consent.models import Consent, ConsentRequest, StaffRecordingConsent
from chaperon.people.models import User
from chaperon.recordings.models import LegalHold, Recording
from chaperon.rooms.models import Participant, Presence, Room
from chaperon.sessions.models import Session
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast
from tests.consent.test_guardian_browser import TAKING_PART, check_page, choose
from tests.mail_support import Mailbox, subject_of, text_of
from tests.picker_support import choose_person
from tests.rooms.browsing import eventually, learner_at_door, receiving
from tests.rooms.conftest import DOOR_OPEN_FOR_WEEKS, asgi_live_server  # noqa: F401
from tests.rooms.helpers import staff_cookie, with_email
from tests.sessions.helpers import next_weekday_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)
TITLE = "Careers conversation"
# Tuesday 16:00, inside the school day and the time Robin's mother agrees to.
SESSION_START = next_weekday_at(16, weekday=1)
# The server works (WebRTC among three browsers, recording, email) while two busy cores share
# the load: waits for that work are generous; everything else uses Playwright's own.
SERVER_WORK_MS = 30_000


@dataclass
class Walk:
    """Everyone's browser, the server and the mailbox."""

    browser: Browser
    base: str
    cast: Cast
    mail: Mailbox
    contexts: list[BrowserContext] = field(default_factory=list)

    def desk(self, user: User) -> Page:
        """``user`` signed in on a computer of their own."""
        context = self.browser.new_context(viewport=DESK, locale="en-GB")
        self.contexts.append(context)
        return sign_in_page(context.new_page(), self.base, staff_cookie(user))

    def phone(self) -> Page:
        """A phone: small screen, touch, mobile browser."""
        context = self.browser.new_context(
            viewport=PHONE,
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            locale="en-GB",
        )
        self.contexts.append(context)
        return context.new_page()

    def emails_to(self, address: str, subject_starts: str) -> list[EmailMessage]:
        return [m for m in self.mail.to(address) if subject_of(m).startswith(subject_starts)]

    def link_in_email(self, address: str, subject_starts: str, path: str) -> str:
        """The one personal link under ``path`` in the one email whose subject starts so."""
        [message] = self.emails_to(address, subject_starts)
        found = re.search(rf"{re.escape(self.base)}/{path}/\S+/", text_of(message))
        assert found is not None, text_of(message)
        return found.group(0)


@pytest.fixture
def walk(
    browser: Browser,
    asgi_live_server: str,  # noqa: F811
    cast: Cast,
    smtp_server: Mailbox,
    settings: Any,
    tmp_path: Path,
) -> Iterator[Walk]:
    settings.SITE_URL = asgi_live_server
    settings.ROOM_OPENS_MINUTES_BEFORE = DOOR_OPEN_FOR_WEEKS  # the room opens a week early
    settings.VAULT_DIR = tmp_path / "vault"
    settings.CONCERN_SPOOL_DIR = tmp_path / "spool"
    with_email(cast.learner)  # Robin has a school address, so gets a join link of his own
    walk = Walk(browser, asgi_live_server, cast, smtp_server)
    yield walk
    for context in walk.contexts:  # before the server stops, so no call is left dangling
        context.close()


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def appears(locator: Locator) -> None:
    """What a click asked of the server (a form handled, a message through the room) shows:
    waited for generously, since the machine may be busy."""
    expect(locator).to_be_visible(timeout=SERVER_WORK_MS)


# The teacher and the senior leader ------------------------------------------------------------


def consents_to_being_recorded(page: Page, walk: Walk, user: User) -> None:
    page.goto(f"{walk.base}/dashboard/")
    expect(page.get_by_role("heading", name=f"Hello, {user.full_name}")).to_be_visible()
    assert_accessible(page)
    nav(page).get_by_role("link", name="My recording consent").click()
    appears(page.get_by_role("heading", name="Your consent to being recorded"))
    assert_accessible(page)
    page.get_by_role(
        "group", name="Do you consent to being recorded in live sessions?"
    ).get_by_label("Yes, I consent").check()
    page.get_by_role("button", name="Save my answer").click()
    appears(page.get_by_text("Your answer is recorded."))
    expect(page.get_by_text(re.compile(r"^Now: Given on"))).to_be_visible()
    assert_accessible(page)
    assert StaffRecordingConsent.objects.filter(
        staff__user=user, party="staff", answer="given", superseded_at=None
    ).exists()


def fills_in_the_booking(page: Page, walk: Walk, *, title: str, start: datetime) -> None:
    """A recorded 1:1 with Robin, the senior leader the second adult, through the pickers."""
    page.goto(f"{walk.base}/sessions/book/")
    appears(page.get_by_role("heading", name="Book a session"))
    assert_accessible(page)
    page.get_by_label("1:1 session").check()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Date").fill(start.date().isoformat())
    page.get_by_label("Start time").fill(start.strftime("%H:%M"))
    page.get_by_label("Length in minutes").fill("40")
    choose_person(page, "Learners", "Robin", "Robin Alder (no group)")
    assert_accessible(page)
    choose_person(page, "Other staff taking part", "Laurel", "Sam Laurel")
    expect(page.get_by_role("button", name="Remove Robin Alder (no group)")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    assert_accessible(page)
    page.get_by_label("Adult who will be in the house").fill("Morgan Alder")
    page.get_by_label("How the learners take part").select_option("Live video")
    page.get_by_label("Plan for the session").fill("Careers options and next steps.")
    page.get_by_label("Crisis process (for a one-to-one)").fill("Call the DSL; 999 in danger.")
    page.get_by_label("Record this session").check()
    page.get_by_label("What the recording is for").fill("Reviewing the careers guidance given")
    page.get_by_label("The alternative to recording you considered").select_option(
        "A second member of staff observing"
    )
    page.get_by_label("Why recording is still needed").fill("The learner asked to watch it back.")
    page.get_by_role("button", name="Check and book").click()


def is_refused_for_want_of_consent(page: Page, walk: Walk) -> None:
    refusal = page.get_by_role("alert")
    appears(refusal.get_by_role("heading", name="This session cannot be booked"))
    expect(refusal).to_contain_text("Consent to take part")
    expect(refusal).to_contain_text("SES-9")
    assert_accessible(page)
    assert not Session.objects.exists()
    refusal.get_by_role(
        "link", name="Ask for consent or agreed times on Robin Alder's consent page"
    ).first.click()


def asks_robins_mother_for_consent(page: Page, walk: Walk) -> None:
    appears(page.get_by_role("heading", name="Consent: Robin Alder"))
    expect(page.get_by_text("No request has been sent yet.")).to_be_visible()
    assert_accessible(page)
    who = page.get_by_role("group", name="Who to ask")
    expect(who.get_by_label(f"Morgan Alder ({walk.cast.guardian.email})")).to_be_checked()
    page.get_by_role("button", name="Send the request").click()
    appears(page.get_by_text("Consent request to Morgan Alder"))
    assert_accessible(page)
    [request] = ConsentRequest.objects.all()
    assert request.learner_id == walk.cast.learner.pk and request.recipient_name == "Morgan Alder"
    assert "recording" in request.purposes


def books_the_recorded_one_to_one(page: Page, walk: Walk) -> Session:
    fills_in_the_booking(page, walk, title=TITLE, start=SESSION_START)
    appears(page.get_by_text("Booked. Everyone invited has been sent the details."))
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    assert_accessible(page)
    session = Session.objects.get()
    assert session.organiser_id == walk.cast.teacher.pk
    assert session.recording_enabled and session.start == SESSION_START
    assert {user.pk for user in session.staff.all()} == {walk.cast.teacher.pk, walk.cast.slt.pk}
    for person in (walk.cast.learner, walk.cast.guardian, walk.cast.slt):
        assert walk.emails_to(person.email, f"Invitation: {TITLE}"), person
    return session


def prepares_the_session(page: Page, walk: Walk) -> None:
    page.get_by_role("link", name="Record the risk assessment and plan").click()
    appears(page.get_by_role("heading", name=f"Before “{TITLE}”"))
    assert_accessible(page)
    page.get_by_label("Risk assessment").fill("Known to the service; no current concerns.")
    page.get_by_label("Plan for the session").fill("Options after year 11.")
    page.get_by_label("Crisis process (1:1 sessions)").fill("Call the DSL; 999 in danger.")
    page.get_by_label(re.compile("I have checked my own setting")).check()
    page.get_by_role("button", name="Save").click()
    appears(page.get_by_text("Risk assessment and plan saved."))
    assert_accessible(page)
    assert Session.objects.get().risk_assessed_at is not None


# Robin's mother, on her phone -----------------------------------------------------------------


def mother_consents_on_her_phone(walk: Walk) -> None:
    phone = walk.phone()
    phone.goto(walk.link_in_email(walk.cast.guardian.email, "Consent for Robin Alder", "consent/r"))
    appears(phone.get_by_role("heading", name="Consent for Robin Alder"))
    check_page(phone)
    for purpose in [*TAKING_PART, "Being recorded in live sessions"]:
        choose(phone, purpose, "Yes, I agree")
    for purpose in ("Parent information read and agreed", "Acceptable use agreement"):
        choose(phone, purpose, "Yes, I agree")
    choose(phone, "Use of images", "No, I do not agree")
    phone.get_by_role("group", name="Days", exact=True).get_by_label("Tuesday").check()
    phone.get_by_label("From", exact=True).fill("16:00")
    phone.get_by_label("Until", exact=True).fill("17:00")
    phone.get_by_label("Your full name").fill("Morgan Alder")
    phone.get_by_role("button", name="Send my answers").tap()
    appears(phone.get_by_role("heading", name="Your answers are saved"))
    expect(phone.get_by_text("Being recorded in live sessions: given")).to_be_visible()
    check_page(phone)
    answers = dict(
        Consent.objects.filter(superseded_at__isnull=True).values_list("purpose", "answer")
    )
    assert answers["live_one_to_one"] == answers["recording"] == "given"
    assert answers["images"] == "declined"
    assert walk.emails_to(walk.cast.guardian.email, "Your consent answers for Robin Alder")


# The live room --------------------------------------------------------------------------------


def checks_their_setting(page: Page) -> None:
    """SES-14: the pre-call check comes before a member of staff enters the room."""
    appears(page.get_by_role("heading", name="Before you go in: check your setting"))
    appears(page.get_by_text("The room's server answers."))
    page.get_by_label("I am not in a bedroom").check()
    page.get_by_label("What is behind me is appropriate", exact=False).check()
    page.get_by_label("Other applications are closed", exact=False).check()
    page.get_by_role("button", name="Go into the room").click()


def teacher_opens_the_room(page: Page, walk: Walk) -> Page:
    page.get_by_role("link", name="Go to the live room").click()
    checks_their_setting(page)
    appears(page.locator("#host-panel"))
    expect(page.get_by_text("You are Terry Finch (host)")).to_be_visible()
    assert_accessible(page)
    return page


def senior_leader_comes_to_the_room(walk: Walk) -> Page:
    slt = walk.desk(walk.cast.slt)
    slt.goto(walk.link_in_email(walk.cast.slt.email, f"Invitation: {TITLE}", "sessions/join"))
    appears(slt.get_by_text("Hello Sam Laurel."))
    assert_accessible(slt)
    slt.get_by_role("button", name="Go to the room").click()
    checks_their_setting(slt)
    appears(slt.locator("#waiting-panel"))
    assert_accessible(slt)
    return slt


def robin_comes_to_the_room(walk: Walk, session: Session) -> Page:
    [invitation] = walk.emails_to(walk.cast.learner.email, f"Invitation: {TITLE}")
    assert f"Enter the passcode: {session.passcode}" in text_of(invitation)
    link = walk.link_in_email(walk.cast.learner.email, f"Invitation: {TITLE}", "sessions/join")
    robin = learner_at_door(
        walk.browser, walk.base, link.removeprefix(f"{walk.base}/sessions/join/")[:-1]
    )
    walk.contexts.append(robin.context)
    appears(robin.get_by_text("Hello Robin Alder."))
    check_page(robin)
    robin.get_by_label("Passcode").fill(session.passcode)
    robin.get_by_role("button", name="Join").click()
    appears(robin.locator("#waiting-panel"))
    assert_accessible(robin)
    return robin


def lets_in(host: Page, guest: Page, name: str, *, comfortable: bool = False) -> None:
    """The host admits ``name``, who accepts the room's agreement (and, a learner in a recorded
    session, says whether they are comfortable being recorded)."""
    host.get_by_role("button", name=f"Admit {name}").click()
    appears(guest.locator("#agreement-panel"))
    assert_accessible(guest)
    if comfortable:
        guest.get_by_label("Yes, I am comfortable being recorded").check()
    guest.get_by_role("button", name="I understand and agree").click()
    appears(guest.locator("#prestart-panel"))


def they_meet_and_record(host: Page, slt: Page, robin: Page) -> None:
    lets_in(host, slt, "Sam Laurel")
    lets_in(host, robin, "Robin Alder", comfortable=True)
    expect(host.locator("#comfort-list")).to_contain_text(
        "Robin Alder · comfortable being recorded", timeout=SERVER_WORK_MS
    )
    host.get_by_label("I have confirmed that Morgan Alder is present in the house").check()
    host.get_by_role("button", name="Start the session").click()
    for page in (host, slt, robin):
        appears(page.locator("#timer"))
    for page in (host, slt, robin):
        receiving(page, peers=2, timeout=SERVER_WORK_MS / 1000)
    for page in (host, slt, robin):
        assert_accessible(page)

    host.get_by_role("button", name="Start recording").click()
    for page in (host, slt, robin):
        appears(page.locator("#rec-indicator"))
    assert_accessible(robin)
    recording = Recording.objects.get()
    assert recording.appearances.count() == 3
    # Each browser records its own camera: three tracks reach the vault.
    eventually(lambda: recording.tracks.count() == 3, timeout=SERVER_WORK_MS / 1000)


def robin_leaves_and_reports(walk: Walk, host: Page, robin: Page) -> Concern:
    robin.get_by_role("link", name="Leave and report").click()
    appears(robin.get_by_role("heading", level=1, name=re.compile("Report a worry")))
    expect(host.locator("#people-list")).not_to_contain_text("Robin Alder", timeout=SERVER_WORK_MS)
    check_page(robin)
    robin.get_by_role("group", name="Which kind of risk is it?").get_by_label(
        re.compile("^Contact")
    ).check()
    robin.get_by_role("group", name=re.compile("What is it about")).get_by_label("Grooming").check()
    robin.get_by_label("What happened, or what worries you").fill(
        "Before the call Mr Finch sent me a message on a game, asked for my own phone number "
        "and said our chats should stay secret from my mum."
    )
    robin.get_by_role("button", name="Send my report").click()
    appears(robin.get_by_role("heading", name=re.compile("report has been sent")))
    check_page(robin)
    reference = robin.locator(".reference").inner_text()

    concern = Concern.objects.get()
    assert concern.reference == reference and concern.kind == "concern"
    assert concern.source == "invitation" and concern.reporter_name == "Robin Alder"
    assert concern.learner_id == walk.cast.learner.pk
    assert concern.session_id == Session.objects.get().pk
    assert Participant.objects.get(role="learner").presence == Presence.LEFT
    # Held as evidence in the transaction that raised the concern.
    assert LegalHold.objects.filter(recording=Recording.objects.get(), released_at=None).exists()
    return concern


def teacher_stops_recording_and_ends_the_session(host: Page, slt: Page) -> None:
    host.get_by_role("button", name="Stop recording").click()
    for page in (host, slt):
        expect(page.locator("#rec-indicator")).to_be_hidden(timeout=SERVER_WORK_MS)
    recording = Recording.objects.get()

    def finished() -> bool:
        recording.refresh_from_db()
        return recording.finished_at is not None

    eventually(finished, timeout=SERVER_WORK_MS / 1000)
    assert recording.status == "complete"
    assert all(track.closed and track.size > 0 for track in recording.tracks.all())

    host.once("dialog", lambda dialog: Dialog.accept(dialog))
    host.get_by_role("button", name="End the session for everyone").click()
    for page in (host, slt):
        appears(page.get_by_role("heading", name="The session has ended"))
        assert_accessible(page)
    room = Room.objects.get()
    assert room.ended_at is not None and room.recording_id is None


# The DSL --------------------------------------------------------------------------------------


def dsl_finds_the_concern(walk: Walk, concern: Concern) -> Page:
    def alerts() -> list[EmailMessage]:
        return [m for m in walk.mail.to(walk.cast.dsl.email) if concern.reference in subject_of(m)]

    eventually(alerts, timeout=SERVER_WORK_MS / 1000)
    [alert] = alerts()
    assert f"{walk.base}/concerns/{concern.pk}/" in text_of(alert)
    assert "Mr Finch" not in text_of(alert)  # never what happened, by email

    dsl = walk.desk(walk.cast.dsl)
    dsl.goto(f"{walk.base}/dashboard/")
    waiting = dsl.get_by_role("alert").filter(has_text="Waiting to be acknowledged")
    appears(waiting.get_by_role("link", name=concern.reference))
    assert_accessible(dsl)
    waiting.get_by_role("link", name=concern.reference).click()
    appears(dsl.get_by_role("heading", name=f"Concern {concern.reference}"))
    expect(dsl.get_by_text("1 recording held as evidence", exact=False)).to_be_visible()
    expect(dsl.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(dsl)
    dsl.get_by_role("button", name="Acknowledge").click()
    appears(dsl.get_by_text("Acknowledged: escalation has stopped. Now triage it."))
    assert_accessible(dsl)
    return dsl


def dsl_triages(dsl: Page, concern: Concern) -> None:
    dsl.get_by_role("group", name=re.compile("illegal")).get_by_label("Not sure").check()
    dsl.get_by_role("group", name=re.compile("immediate risk")).get_by_label(
        "No immediate risk"
    ).check()
    dsl.get_by_role("group", name=re.compile("What risk is posed")).get_by_label(
        "Harm, or a concern for their welfare"
    ).check()
    dsl.get_by_label("Why: what you know of the risk").fill(
        "An adult asking a 13-year-old for private contact and secrecy."
    )
    dsl.get_by_role("button", name="Record the triage and open its steps").click()
    appears(dsl.get_by_text("Triage recorded: 5 steps opened."))
    expect(dsl.get_by_text(re.compile("^Preserve the evidence"))).to_be_visible()
    assert_accessible(dsl)
    concern.refresh_from_db()
    assert concern.status == "triaged" and concern.steps.count() == 5


def dsl_makes_it_an_allegation_about_the_teacher(dsl: Page, concern: Concern) -> None:
    choose_person(dsl, "The member of staff it is about", "Finch", "Terry Finch")
    dsl.get_by_label("Why it is an allegation about them").fill(
        "The learner describes private contact and secrecy asked for by their teacher."
    )
    dsl.get_by_role("button", name="Make it an allegation about them").click()
    appears(dsl.get_by_text("Now an allegation about Terry Finch"))
    expect(dsl.get_by_text(re.compile("^Restricted case: an allegation"))).to_be_visible()
    lado = dsl.locator(".step", has_text="local authority designated officer (LADO)")
    expect(lado).to_contain_text("Owner Dana Sefton")
    assert_accessible(dsl)
    concern.refresh_from_db()
    assert (
        concern.kind == "allegation"
        and concern.subject_staff_id == Session.objects.get().organiser_id
    )


def dsl_names_the_senior_leader_on_it(dsl: Page, concern: Concern, walk: Walk) -> None:
    grant = dsl.get_by_role("region", name="Who handles this case")
    choose_person(dsl, "Member of staff", "Laurel", "Sam Laurel")
    grant.get_by_role("button", name="Name them").click()
    appears(dsl.get_by_text("Sam Laurel can now see and handle this case."))
    assert_accessible(dsl)
    assert concern.access.filter(user=walk.cast.slt).exists()


def dsl_suspends_the_teacher(dsl: Page, walk: Walk) -> None:
    dsl.get_by_label("Why they may not run or join sessions while it is looked into").fill(
        "Until the LADO has advised."
    )
    dsl.get_by_role("button", name="Suspend Terry Finch from sessions").click()
    appears(dsl.get_by_role("heading", name="Terry Finch is suspended from sessions"))
    assert_accessible(dsl)
    assert StaffSuspension.objects.filter(user=walk.cast.teacher, lifted_at=None).exists()


def dsl_reads_the_chronology_and_the_recording(dsl: Page, walk: Walk, concern: Concern) -> None:
    base, case = walk.base, dsl.url
    dsl.get_by_role("link", name="chronology").click()
    appears(dsl.get_by_role("heading", name="Chronology: Robin Alder"))
    items = "\n".join(dsl.locator(".chronology-item").all_inner_texts())
    in_order = [
        "Room: the session started",
        "Room: recording started",
        "Room: Robin Alder left",
        "Raised by Robin Alder",
    ]
    positions = [items.index(line) for line in in_order]
    assert positions == sorted(positions), items
    assert f"held as evidence for {concern.reference}" in items
    assert_accessible(dsl)
    recording = Recording.objects.get()
    dsl.goto(f"{base}/recordings/{recording.pk}/")
    appears(dsl.get_by_role("heading", name=f"Held for {concern.reference}"))
    assert_accessible(dsl)
    dsl.goto(case)


def dsl_refers_to_the_lado_and_closes(dsl: Page, concern: Concern) -> None:
    dsl.get_by_label("Referred to").select_option(label="Local authority designated officer (LADO)")
    dsl.get_by_label("Date of the referral").fill(date.today().isoformat())
    dsl.get_by_label("Their reference number").fill("LADO-4471")
    dsl.get_by_role("button", name="Record the referral").click()
    appears(dsl.get_by_text("Referral recorded; 1 step(s) done with it."))
    assert_accessible(dsl)

    parents = dsl.locator(".step", has_text="Inform parents or carers early")
    parents.get_by_label("What was done, or decided and why").fill(
        "Told Morgan Alder by phone; she will keep Robin's game account closed."
    )
    parents.get_by_role("button", name="Mark done").click()
    appears(dsl.get_by_role("status").filter(has_text="Done: Inform parents"))
    expect(parents).to_have_class(re.compile("step--done"))
    expect(parents).to_contain_text("by Dana Sefton")
    expect(parents).to_contain_text("Told Morgan Alder by phone")
    assert_accessible(dsl)

    # Closing while the teacher is still suspended is refused, and changes nothing.
    dsl.get_by_role("link", name="Record the responses and close").click()
    appears(dsl.get_by_role("heading", name=f"Responses and closing {concern.reference}"))
    assert_accessible(dsl)
    fill_the_closing(dsl)
    dsl.get_by_role("button", name="Close the concern").click()
    appears(
        dsl.get_by_role("alert").filter(
            has_text="Terry Finch is still suspended from sessions: lift the suspension first"
        )
    )
    assert_accessible(dsl)
    concern.refresh_from_db()
    assert concern.status == "triaged" and concern.closed_at is None

    dsl.get_by_role("link", name=f"Back to {concern.reference}").click()
    dsl.get_by_label("Why they may run and join sessions again").fill(
        "The LADO advised that the school deals with it under its own code of conduct."
    )
    dsl.get_by_role("button", name="Lift the suspension").click()
    appears(dsl.get_by_text("Terry Finch may run and join sessions again."))
    assert_accessible(dsl)

    dsl.get_by_role("link", name="Record the responses and close").click()
    fill_the_closing(dsl)
    dsl.get_by_role("button", name="Close the concern").click()
    appears(dsl.get_by_text(f"{concern.reference} is closed."))
    expect(dsl.get_by_role("heading", name="Triage (Annex 1)")).to_have_count(0)
    assert_accessible(dsl)
    concern.refresh_from_db()
    assert concern.status == "closed" and concern.closed_at is not None
    assert concern.allegation_outcome == "substantiated"


def fill_the_closing(dsl: Page) -> None:
    dsl.get_by_label("Outcome of the allegation").select_option("Substantiated")
    dsl.get_by_label(re.compile("^Warnings or sanctions")).fill(
        "Written warning under the staff code of conduct, on the LADO's advice."
    )
    dsl.get_by_label(re.compile("^Training reviewed")).fill("Staff reminded of the contact policy.")
    dsl.get_by_label("How the reporter was told it was dealt with (or why they were not)").fill(
        "Robin and his mother were told in person that it was dealt with."
    )
    dsl.get_by_label("If a step is still open: why the concern closes anyway").fill(
        "The LADO found no police or social care referral was needed; the review was held."
    )


# The teacher, suspended -----------------------------------------------------------------------


def teacher_can_no_longer_book(page: Page, walk: Walk, concern: Concern) -> None:
    fills_in_the_booking(
        page, walk, title="Follow-up chat", start=next_weekday_at(16, weekday=1, weeks=2)
    )
    refusal = page.get_by_role("alert")
    appears(refusal.get_by_role("heading", name="This session cannot be booked"))
    expect(refusal).to_contain_text("may not run or join sessions at present")
    for secret in ("allegation", "LADO", "concern", concern.reference):
        expect(refusal).not_to_contain_text(secret)
    assert_accessible(page)
    assert Session.objects.count() == 1

    # Nor is he shown the case about him.
    expect(nav(page).get_by_role("link", name="Concerns")).to_have_count(0)
    response = page.goto(f"{walk.base}/concerns/{concern.pk}/")
    assert response is not None and response.status == 404
    assert_accessible(page)


# The senior leader ----------------------------------------------------------------------------


def senior_leader_opens_the_case_but_not_the_chronology(
    slt: Page, walk: Walk, concern: Concern
) -> None:
    slt.goto(f"{walk.base}/dashboard/")
    appears(slt.get_by_role("heading", name="Hello, Sam Laurel"))
    expect(nav(slt).get_by_role("link", name="Recordings")).to_have_count(0)
    assert_accessible(slt)
    nav(slt).get_by_role("link", name="Concerns").click()
    appears(slt.get_by_role("link", name=concern.reference))
    assert_accessible(slt)
    slt.get_by_role("link", name=concern.reference).click()
    appears(slt.get_by_role("heading", name=f"Concern {concern.reference}"))
    expect(slt.get_by_text(re.compile("^Restricted case: an allegation"))).to_be_visible()
    about = slt.locator("dt:text-is('About') + dd")
    expect(about).to_contain_text("Robin Alder")
    expect(about).to_contain_text("staff member: Terry Finch")
    # The chronology is for the DSL and deputies: not offered, and refused if asked for; nor
    # is what the DSL alone decides (who handles it, the suspension).
    expect(slt.get_by_role("link", name="chronology")).to_have_count(0)
    expect(slt.get_by_role("heading", name="Who handles this case")).to_have_count(0)
    expect(slt.get_by_role("button", name="Lift the suspension")).to_have_count(0)
    assert_accessible(slt)
    viewed = AuditEvent.objects.filter(action=AuditAction.CONCERN_CHRONOLOGY_VIEWED).count()
    response = slt.goto(f"{walk.base}/concerns/learners/{walk.cast.learner.pk}/chronology/")
    assert response is not None and response.status == 403
    assert_accessible(slt)
    assert AuditEvent.objects.filter(action=AuditAction.CONCERN_CHRONOLOGY_VIEWED).count() == viewed

    # Nor may a senior leader play the recording, by default.
    response = slt.goto(f"{walk.base}/recordings/{Recording.objects.get().pk}/")
    assert response is not None and response.status == 403
    assert_accessible(slt)

    # The room log of a session they were in is theirs to read.
    slt.goto(f"{walk.base}/rooms/{concern.session_id}/log/")
    log = slt.get_by_role("table", name=re.compile("What happened in the room"))
    expect(log).to_contain_text("Recording started")
    expect(log).to_contain_text("Robin Alder")
    assert_accessible(slt)


# The walk -------------------------------------------------------------------------------------


def test_the_full_walk(walk: Walk, page: Page) -> None:
    cast = walk.cast
    teacher = sign_in_page(page, walk.base, staff_cookie(cast.teacher))
    slt = walk.desk(cast.slt)

    consents_to_being_recorded(teacher, walk, cast.teacher)
    consents_to_being_recorded(slt, walk, cast.slt)

    fills_in_the_booking(teacher, walk, title=TITLE, start=SESSION_START)
    is_refused_for_want_of_consent(teacher, walk)
    asks_robins_mother_for_consent(teacher, walk)
    mother_consents_on_her_phone(walk)
    session = books_the_recorded_one_to_one(teacher, walk)
    prepares_the_session(teacher, walk)

    host = teacher_opens_the_room(teacher, walk)
    in_the_room = senior_leader_comes_to_the_room(walk)
    robin = robin_comes_to_the_room(walk, session)
    they_meet_and_record(host, in_the_room, robin)
    concern = robin_leaves_and_reports(walk, host, robin)
    teacher_stops_recording_and_ends_the_session(host, in_the_room)

    dsl = dsl_finds_the_concern(walk, concern)
    dsl_triages(dsl, concern)
    dsl_makes_it_an_allegation_about_the_teacher(dsl, concern)
    dsl_names_the_senior_leader_on_it(dsl, concern, walk)
    dsl_suspends_the_teacher(dsl, walk)

    teacher_can_no_longer_book(teacher, walk, concern)
    senior_leader_opens_the_case_but_not_the_chronology(slt, walk, concern)

    dsl_reads_the_chronology_and_the_recording(dsl, walk, concern)
    dsl_refers_to_the_lado_and_closes(dsl, concern)

    assert not StaffSuspension.objects.filter(lifted_at=None).exists()
    done = set(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        AuditAction.CONCERN_RAISED,
        AuditAction.CONCERN_ACKNOWLEDGED,
        AuditAction.CONCERN_TRIAGED,
        AuditAction.CONCERN_RECLASSIFIED,
        AuditAction.CONCERN_ACCESS_GRANTED,
        AuditAction.STAFF_SUSPENDED,
        AuditAction.CONCERN_REFERRAL_RECORDED,
        AuditAction.STAFF_SUSPENSION_LIFTED,
        AuditAction.CONCERN_CLOSED,
    ):
        assert action in done, action
    assert verify_chain().ok
