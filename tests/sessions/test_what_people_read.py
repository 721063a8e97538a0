"""What the session pages and email say: the real state of each session, names instead of
numbers, forms that keep their values and the host's own invitation."""

import re
from datetime import date, timedelta

import pytest

from chaperon.consent.services.agreements import staff_recording_consent_answer
from chaperon.core.forms import IsoDateInput
from chaperon.core.models import EmailDelivery
from chaperon.sessions import services
from chaperon.sessions.models import Session, SessionStatus
from tests import factories
from tests.conftest import Cast, signed_in
from tests.records.helpers import ended_session
from tests.sessions.helpers import consent_for, group, one_to_one


def booked(cast: Cast, **changes: object) -> Session:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast, **changes), title="Careers"
    )
    assert result.booked and result.session is not None
    return result.session


# The Move form ----------------------------------------------------------------------------------


def test_the_move_form_shows_the_sessions_date(cast: Cast) -> None:
    session = booked(cast)
    day = session.start.astimezone(session.organisation.zone).date()
    page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    [day_input] = re.findall(r'<input[^>]*name="day"[^>]*>', page)
    assert f'value="{day.isoformat()}"' in day_input
    assert 'type="date"' in day_input


def test_a_date_input_is_written_as_the_browser_reads_it() -> None:
    html = IsoDateInput().render("day", date(2026, 12, 6))
    assert 'type="date"' in html and 'value="2026-12-06"' in html


# The state of each session ----------------------------------------------------------------------


def test_upcoming_leaves_out_cancelled_and_ended_sessions(cast: Cast) -> None:
    over = ended_session(cast)
    Session.objects.filter(pk=over.pk).update(
        status=SessionStatus.OPEN, opened_at=over.start, title="Over"
    )
    coming = booked(cast)
    cancelled = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(cast, start=coming.start + timedelta(days=14)),
        title="Cancelled one",
    ).session
    assert cancelled is not None
    services.session_cancel(actor=cast.teacher, session=cancelled, reason="Unwell")

    page = signed_in(cast.teacher).get("/sessions/").content.decode()
    upcoming, _, recent = page.partition("Ended, cancelled or refused")
    assert "Careers" in upcoming
    assert "Cancelled one" not in upcoming and "Over" not in upcoming
    assert "Cancelled one" in recent and "Over" in recent
    assert "<td>Ended</td>" in recent and "<td>Cancelled</td>" in recent
    assert ">Open<" not in page


def test_an_open_session_whose_time_has_passed_reads_ended(cast: Cast) -> None:
    over = ended_session(cast)
    Session.objects.filter(pk=over.pk).update(status=SessionStatus.OPEN, opened_at=over.start)
    over.refresh_from_db()
    assert over.state_label == "Ended"
    page = signed_in(cast.teacher).get(f"/sessions/{over.pk}/").content.decode()
    assert "<dt>State</dt><dd>Ended</dd>" in page
    assert "Move the session" not in page and "Cancel the session" not in page


# Email ------------------------------------------------------------------------------------------


@pytest.mark.clause("SES-7")
def test_the_hosts_invitation_does_not_ask_them_to_wait_for_themself(cast: Cast) -> None:
    session = booked(cast)
    [host] = EmailDelivery.objects.filter(purpose="session_invitation", to=cast.teacher.email)
    assert "You will wait" not in host.text and "lets you in" not in host.text
    assert "you let each\n     person in from the waiting room" in host.text
    prepare = f"http://127.0.0.1:8000/sessions/{session.pk}/prepare/"
    assert f"record the risk assessment and the plan for the conversation:\n  {prepare}" in (
        host.text
    )
    assert "/sessions/join/" not in host.text.split("Before the session")[1]


@pytest.mark.clause("SES-7")
def test_other_staff_are_told_the_host_lets_them_in(cast: Cast) -> None:
    classmate = factories.learner(cast.organisation, first_name="Sasha", last_name="Birch")
    factories.guardian(cast.organisation, of=classmate)
    for learner in (cast.learner, classmate):
        consent_for(learner, cast.dsl)
    services.session_book(
        actor=cast.teacher, proposal=group(cast, [cast.learner, classmate]), title="Revision"
    )
    [other] = EmailDelivery.objects.filter(purpose="session_invitation", to=cast.teacher2.email)
    assert "until\n     Terry Finch, who hosts the session, lets you in" in other.text
    assert "Enter the passcode" not in other.text


# Consent to recording ---------------------------------------------------------------------------


@pytest.mark.clause("REC-4")
def test_staff_find_their_recording_consent_in_the_menu(cast: Cast) -> None:
    page = signed_in(cast.teacher).get("/sessions/").content.decode()
    assert '<a href="/consent/staff/mine/">My recording consent</a>' in page


@pytest.mark.clause("REC-4")
def test_a_refusal_for_want_of_my_consent_links_to_where_i_give_it(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl, recording=True)
    response = signed_in(cast.teacher).post(
        "/sessions/book/",
        {
            "kind": "one_to_one",
            "title": "Careers",
            "day": one_to_one(cast).start.date().isoformat(),
            "start_time": "10:00",
            "duration_minutes": "40",
            "learners": [cast.learner.pk],
            "named_adult": "Morgan Alder",
            "taking_part": "video",
            "conversation_plan": "Careers options and next steps.",
            "crisis_plan": "Call the DSL; the named adult stays near.",
            "guardians_may_drop_in": "on",
            "platform": "builtin",
            "recording_enabled": "on",
            "recording_purpose": "Reviewing the coaching",
            "recording_alternative": "observer",
            "recording_need": "The learner asked to watch it back.",
        },
    )
    page = response.content.decode()
    assert "The staff member has not consented to the recording" in page
    assert '<a href="/consent/staff/mine/">Give your consent to being recorded</a>' in page
    assert not Session.objects.exists()

    staff_recording_consent_answer(actor=cast.teacher, answer="given")
    mine = signed_in(cast.teacher).get("/consent/staff/mine/").content.decode()
    assert 'aria-current="page">My recording consent' in mine
