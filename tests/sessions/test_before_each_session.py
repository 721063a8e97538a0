"""Before each session (SES-12, SES-13, REC-2): booking records how the learners take part, as
their families chose; the plan for the conversation and, for a 1:1, the crisis process; and,
when asking to record, the alternative considered and why recording is still needed. A booking
without them is refused with the clause and the fix, and nothing is written."""

from dataclasses import replace

import pytest

from chaperon.audit.models import AuditEvent
from chaperon.consent.services.agreements import staff_recording_consent_answer
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.sessions import services
from chaperon.sessions.models import Session
from chaperon.sessions.services import SessionChange, session_change
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import consent_for, next_weekday_at, one_to_one

pytestmark = pytest.mark.django_db


def _nothing_written() -> tuple[int, int, int]:
    return Session.objects.count(), AuditEvent.objects.count(), EmailDelivery.objects.count()


@pytest.mark.clause("SES-12")
@pytest.mark.clause("SES-13")
def test_a_booking_without_the_way_of_taking_part_or_the_plan_is_refused_naming_each(
    cast: Cast,
) -> None:
    consent_for(cast.learner, cast.dsl)
    before = _nothing_written()
    with pytest.raises(ValidationFailed) as refused:
        services.session_book(
            actor=cast.teacher,
            proposal=one_to_one(cast, taking_part="", conversation_plan=" ", crisis_plan=""),
            title="Careers",
        )
    errors = refused.value.errors
    assert set(errors) == {"taking_part", "conversation_plan", "crisis_plan"}
    assert errors["taking_part"].startswith("SES-12: choose how the learners will take part")
    assert "live video is optional" in errors["taking_part"]
    assert errors["conversation_plan"].startswith("SES-13: write the plan")
    assert errors["crisis_plan"].startswith("SES-13: a 1:1 needs an agreed crisis process")
    assert _nothing_written() == before


@pytest.mark.clause("SES-12")
def test_a_way_of_taking_part_that_is_not_offered_is_refused(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    before = _nothing_written()
    with pytest.raises(ValidationFailed) as refused:
        services.session_book(
            actor=cast.teacher, proposal=one_to_one(cast, taking_part="hologram"), title="Careers"
        )
    assert set(refused.value.errors) == {"taking_part"}
    assert _nothing_written() == before


@pytest.mark.clause("SES-13")
def test_a_group_session_needs_a_plan_but_no_crisis_process(cast: Cast) -> None:
    second = factories.learner(cast.organisation, first_name="Sasha", last_name="Birch")
    factories.guardian(cast.organisation, of=second, full_name="Jo Birch")
    learners = [cast.learner, second]
    for learner in learners:
        consent_for(learner, cast.dsl)
    proposal = one_to_one(
        cast,
        kind="group",
        learners=learners,
        staff=[cast.teacher, cast.teacher2],
        named_adult="",
        crisis_plan="",
        taking_part="audio",
    )
    result = services.session_book(actor=cast.teacher, proposal=proposal, title="Revision")
    assert result.session is not None
    session = Session.objects.get(pk=result.session.pk)
    assert (session.taking_part, session.crisis_plan) == ("audio", "")
    assert session.conversation_plan == "Reading practice and next week's targets."


@pytest.mark.clause("SES-12")
@pytest.mark.clause("SES-13")
def test_the_booking_page_refuses_with_the_clause_and_the_fix_then_books_and_keeps_the_plan(
    cast: Cast,
) -> None:
    consent_for(cast.learner, cast.dsl)
    teacher = signed_in(cast.teacher)
    form = {
        "kind": "one_to_one",
        "title": "Careers conversation",
        "day": next_weekday_at(10).date().isoformat(),
        "start_time": "10:00",
        "duration_minutes": "40",
        "learners": [cast.learner.pk],
        "named_adult": "Morgan Alder",
        "platform": "builtin",
    }
    before = _nothing_written()
    refused = teacher.post("/sessions/book/", form)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "SES-12: choose how the learners will take part" in page
    assert "SES-13: write the plan for the session" in page
    assert "SES-13: a 1:1 needs an agreed crisis process" in page
    assert _nothing_written() == before

    booked_page = teacher.post(
        "/sessions/book/",
        {
            **form,
            "taking_part": "phone",
            "conversation_plan": "Options after year 11.",
            "crisis_plan": "Call the DSL; 999 if in danger.",
        },
    )
    assert booked_page.status_code == 302
    session = Session.objects.get()
    assert (session.taking_part, session.conversation_plan, session.crisis_plan) == (
        "phone",
        "Options after year 11.",
        "Call the DSL; 999 if in danger.",
    )
    detail = teacher.get(f"/sessions/{session.pk}/").content.decode()
    assert "<dt>Taking part</dt><dd>A phone call</dd>" in detail
    # The host's preparation starts from the plan given when booking.
    prepare = teacher.get(f"/sessions/{session.pk}/prepare/")
    assert prepare.context["form"].initial["conversation_plan"] == "Options after year 11."
    assert prepare.context["form"].initial["crisis_plan"] == "Call the DSL; 999 if in danger."
    invitation = EmailDelivery.objects.get(to=cast.guardian.email, purpose="session_invitation")
    assert "Taking part: A phone call" in invitation.text


@pytest.mark.clause("REC-2")
def test_asking_to_record_needs_the_alternative_considered_and_why_it_is_not_enough(
    cast: Cast,
) -> None:
    consent_for(cast.learner, cast.dsl, recording=True)
    staff_recording_consent_answer(actor=cast.teacher, answer="given")
    recorded = one_to_one(
        cast,
        recording_enabled=True,
        recording_purpose="Reviewing the coaching",
        recording_alternative="",
        recording_need="",
    )
    before = _nothing_written()
    with pytest.raises(ValidationFailed) as refused:
        services.session_book(actor=cast.teacher, proposal=recorded, title="Coaching")
    errors = refused.value.errors
    assert set(errors) == {"recording_alternative", "recording_need"}
    assert errors["recording_alternative"].startswith("REC-2: before asking to record")
    assert errors["recording_need"].startswith("REC-2: say why that alternative is not enough")
    assert _nothing_written() == before

    result = services.session_book(
        actor=cast.teacher,
        proposal=replace(
            recorded,
            recording_alternative="both",
            recording_need="The learner wants to watch the feedback again.",
        ),
        title="Coaching",
    )
    assert result.booked and result.session is not None
    session = Session.objects.get(pk=result.session.pk)
    assert (session.recording_alternative, session.recording_need) == (
        "both",
        "The learner wants to watch the feedback again.",
    )


@pytest.mark.clause("REC-2")
def test_turning_recording_on_later_needs_the_alternative_too_and_changes_nothing_without(
    cast: Cast,
) -> None:
    consent_for(cast.learner, cast.dsl, recording=True)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Chat")
    assert result.session is not None
    session = Session.objects.get(pk=result.session.pk)
    sequence = session.ical_sequence
    change = replace(
        SessionChange.of(session), recording_enabled=True, recording_purpose="Coaching review"
    )
    with pytest.raises(ValidationFailed) as refused:
        session_change(actor=cast.teacher, session=session, change=change)
    assert set(refused.value.errors) == {"recording_alternative", "recording_need"}
    session.refresh_from_db()
    assert not session.recording_enabled and session.ical_sequence == sequence
