"""Smaller faults of the casework: the chronology PDF says on every page that it is confidential
and which page it is; a concern is placed after the session it came from; the room and the
vault add their events and holds to the chronology (restricted cases never leak through);
out of hours only those who may open an allegation are alerted; the record shows names, not
ids (INC-1, INC-4, INC-10)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from chaperon.concerns import services
from chaperon.concerns.chronology import chronology_for
from chaperon.concerns.pdf import chronology_pdf
from chaperon.core.models import EmailDelivery
from chaperon.rooms.models import Participant, Room, RoomEvent
from chaperon.sessions.models import Invitation, Session
from tests import factories
from tests.conftest import Cast, signed_in
from tests.recordings.helpers import make_recording, media

from .helpers import never_in_hours, pdf_text, public_concern

pytestmark = [pytest.mark.django_db]


def _session(cast: Cast, *, minutes_ago: int = 30) -> Session:
    session = Session.objects.create(
        organisation=cast.organisation,
        organiser=cast.teacher,
        kind="one_to_one",
        title="Careers conversation",
        start=timezone.now() - timedelta(minutes=minutes_ago),
        duration_minutes=30,
        status="open",
    )
    session.learners.add(cast.learner)
    session.staff.add(cast.teacher)
    return session


@pytest.mark.clause("INC-4")
def test_every_page_of_the_pdf_says_it_is_confidential_and_which_page_it_is(cast: Cast) -> None:
    for number in range(40):
        public_concern(
            cast.organisation,
            learner=cast.learner,
            description=f"Worry {number}: " + "a long account of what was seen online. " * 8,
        )
    pdf = chronology_pdf(chronology_for(cast.dsl, cast.learner.pk))
    text = pdf_text(pdf)
    # fpdf2 draws the total ("of N") as its own piece of text, after the rest of the line.
    numbers = [(int(a), int(b)) for a, b in re.findall(r"Page (\d+) of\s*(\d+)", text)]
    pages = len(numbers)
    assert pages >= 3
    assert numbers == [(page, pages) for page in range(1, pages + 1)]
    notice = "Confidential: safeguarding chronology of Robin Alder, Harbour View School."
    assert text.count(notice) == pages


@pytest.mark.clause("INC-4")
def test_a_concern_from_a_session_comes_after_the_session(cast: Cast) -> None:
    # Raised in the room a few minutes before the booked start (the door opens early).
    session = _session(cast, minutes_ago=-5)
    services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        session=session,
        learner=cast.learner,
        description="Robin joined early and said someone at home frightens them.",
    )
    kinds = [item.kind for item in chronology_for(cast.dsl, cast.learner.pk).items]
    assert kinds.index("Session") < kinds.index("Concern")
    text = pdf_text(chronology_pdf(chronology_for(cast.dsl, cast.learner.pk)))
    assert text.index("Careers conversation") < text.index("Raised by Terry Finch")


@pytest.mark.clause("INC-4")
def test_room_events_and_holds_are_in_the_chronology(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(2000)])
    session = recording.session
    room = Room.objects.create(session=session)
    invitation = Invitation.objects.create(
        session=session,
        role=Invitation.Role.LEARNER,
        person_id=cast.learner.pk,
        display_name="Robin Alder",
        email="robin@home.example",
    )
    robin = Participant.objects.create(
        room=room,
        invitation=invitation,
        display_name="Robin Alder",
        role="learner",
        presence="admitted",
    )
    host = Participant.objects.create(
        room=room,
        user=cast.teacher,
        display_name="Terry Finch",
        role="staff",
        presence="admitted",
        is_host=True,
    )
    now = timezone.now()
    RoomEvent.objects.create(room=room, at=now, kind="started", by=host)
    RoomEvent.objects.create(room=room, at=now, kind="admitted", participant=robin, by=host)
    RoomEvent.objects.create(room=room, at=now, kind="chat", participant=robin, text="secret")
    RoomEvent.objects.create(room=room, at=now, kind="removed", participant=robin, by=host)
    concern = services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        session=session,
        description="Robin was removed after sharing something upsetting.",
    )
    items = chronology_for(cast.dsl, cast.learner.pk).items
    titles = [item.title for item in items]
    assert "Room: the session started" in titles
    assert "Room: Robin Alder was admitted" in titles
    assert "Room: Robin Alder was removed by the host" in titles
    assert not any("secret" in f"{item.title} {item.detail}" for item in items)  # chat stays out
    held = [item for item in items if item.kind == "Evidence"]
    assert [item.reference for item in held] == [concern.reference]
    assert "held as evidence" in held[0].title
    text = pdf_text(chronology_pdf(chronology_for(cast.dsl, cast.learner.pk)))
    assert "Room: Robin Alder was admitted" in text and "held as evidence" in text


@pytest.mark.clause("INC-10")
def test_a_hold_for_an_allegation_is_left_out_for_those_who_may_not_open_it(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(2000)])
    allegation = services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        session=recording.session,
        description="Terry said something inappropriate to Robin in the call.",
    )
    dsl = [item for item in chronology_for(cast.dsl, cast.learner.pk).items if item.reference]
    assert allegation.reference in {item.reference for item in dsl}
    deputy = chronology_for(cast.deputy, cast.learner.pk).items
    assert all(allegation.reference not in f"{i.reference} {i.title}" for i in deputy)


@pytest.mark.clause("INC-1")
@pytest.mark.clause("INC-10")
def test_out_of_hours_an_allegation_reaches_only_senior_leaders_who_may_open_it(
    cast: Cast,
) -> None:
    never_in_hours(cast.organisation)
    cast.organisation.senior_leadership_email = "slt@harbour.example"
    cast.organisation.save()
    services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        description="Terry messaged a pupil from a personal account.",
    )
    told = set(EmailDelivery.objects.filter(purpose="concern_alert").values_list("to", flat=True))
    assert told == {cast.dsl.email}  # the senior leader could not open it


@pytest.mark.clause("INC-1")
@pytest.mark.clause("INC-10")
def test_out_of_hours_an_allegation_about_the_dsl_reaches_the_senior_leaders(cast: Cast) -> None:
    never_in_hours(cast.organisation)
    second_slt = factories.staff(cast.organisation, "slt", name="Sky Harrow")
    services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.dsl,
        description="Dana shouted at a pupil in a live lesson.",
    )
    told = set(EmailDelivery.objects.filter(purpose="concern_alert").values_list("to", flat=True))
    assert told == {cast.slt.email, second_slt.email}


def test_the_record_shows_names_not_ids(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    services.concern_change(
        actor=cast.dsl,
        concern=concern,
        reason="Robin's parent rang",
        learner=cast.learner,
        category="conduct",
    )
    page = signed_in(cast.dsl).get(f"/concerns/{concern.pk}/").content.decode()
    assert "Learner: none → Robin Alder" in page
    assert "Category: Contact: harmful contact with others (grooming, exploitation) → Conduct" in (
        page
    )
    assert f"→ {cast.learner.pk}<" not in page and f"#{concern.pk}" not in page
