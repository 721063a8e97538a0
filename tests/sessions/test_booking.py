"""Booking: the policy decides; a session that breaks it is not booked."""

from datetime import date

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.people import services as people_services
from chaperon.sessions import services
from chaperon.sessions.models import ExceptionStatus, Session, SessionStatus
from tests import factories
from tests.conftest import Cast
from tests.sessions.helpers import consent_for, group, next_weekday_at, one_to_one


def _rules(result: services.BookingResult) -> set[str]:
    return {finding.rule for finding in result.verdict.findings}


@pytest.mark.clause("SES-9")
def test_a_compliant_one_to_one_is_booked_and_everyone_invited(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.booked and result.verdict.decision == "allow"
    session = result.session
    assert session is not None
    assert session.status == SessionStatus.BOOKED
    assert list(session.learners.all()) == [cast.learner]
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_BOOKED, object_id=str(session.pk)
    ).exists()
    invited = {
        delivery.to for delivery in EmailDelivery.objects.filter(purpose="session_invitation")
    }
    assert invited == {cast.teacher.email, cast.guardian.email}


@pytest.mark.clause("SES-9")
def test_without_consent_nothing_is_booked_and_the_finding_says_why(cast: Cast) -> None:
    events = AuditEvent.objects.count()
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.session is None
    assert result.verdict.decision == "block"
    assert "consent.participation" in _rules(result)
    assert not Session.objects.exists()
    assert AuditEvent.objects.count() == events
    assert not EmailDelivery.objects.exists()


@pytest.mark.clause("SES-4")
def test_a_group_with_one_member_of_staff_is_refused(cast: Cast) -> None:
    others = [factories.learner(cast.organisation) for _ in range(2)]
    for learner in others:
        factories.guardian(cast.organisation, of=learner)
        consent_for(learner, cast.dsl)
    result = services.session_book(
        actor=cast.teacher,
        proposal=group(cast, others, staff=[cast.teacher]),
        title="Year 9 revision",
    )
    assert result.session is None
    assert "attendance.two_staff" in _rules(result)
    assert not Session.objects.exists()


@pytest.mark.clause("SES-10")
def test_staff_with_a_lapsed_dbs_check_cannot_run_a_session(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    people_services.staff_update(
        actor=cast.dsl, staff=factories.staff_member(cast.teacher), dbs_checked_on=date(2020, 1, 6)
    )
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.session is None
    assert "staff.dbs" in _rules(result)


@pytest.mark.clause("SES-3")
def test_a_long_session_waits_for_an_approved_exception(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    long_one = one_to_one(cast, start=next_weekday_at(9), duration_minutes=55)
    result = services.session_book(actor=cast.teacher, proposal=long_one, title="Careers")
    assert result.session is None and result.verdict.decision == "needs_exception"
    assert not Session.objects.exists()

    asked = services.session_book(
        actor=cast.teacher,
        proposal=long_one,
        title="Careers",
        exception_reason="Interpreter present; everything takes longer",
    )
    session = asked.session
    assert session is not None and session.status == SessionStatus.AWAITING_EXCEPTION
    [exception] = session.exceptions.all()
    assert exception.covers == ["duration.max"]
    approvers = {d.to for d in EmailDelivery.objects.filter(purpose="session_exception_request")}
    assert approvers == {cast.dsl.email, cast.slt.email}
    assert not EmailDelivery.objects.filter(purpose="session_invitation").exists()

    with pytest.raises(PermissionDenied):
        services.session_exception_decide(
            actor=cast.deputy, exception=exception, approve=True, reason="Fine"
        )
    with pytest.raises(ValidationFailed):
        services.session_exception_decide(
            actor=cast.slt, exception=exception, approve=True, reason=""
        )
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.PENDING

    services.session_exception_decide(
        actor=cast.slt, exception=exception, approve=True, reason="Agreed with the family"
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED
    assert [f["outcome"] for f in session.findings] == ["excepted"]
    event = AuditEvent.objects.filter(action=AuditAction.SESSION_EXCEPTION_APPROVED).get()
    assert (event.actor_id, event.reason) == (cast.slt.pk, "Agreed with the family")
    assert EmailDelivery.objects.filter(purpose="session_invitation").count() == 2


def test_the_organiser_cannot_approve_their_own_exception(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    asked = services.session_book(
        actor=cast.dsl,
        proposal=one_to_one(cast, staff=[cast.dsl], duration_minutes=55),
        title="Check-in",
        exception_reason="Needed",
    )
    assert asked.session is not None
    exception = asked.session.exceptions.get()
    with pytest.raises(PermissionDenied):
        services.session_exception_decide(
            actor=cast.dsl, exception=exception, approve=True, reason="Mine"
        )
    assert asked.session.exceptions.get().status == ExceptionStatus.PENDING


def test_a_refused_exception_books_nothing(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    asked = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(cast, duration_minutes=60),
        title="Careers",
        exception_reason="Please",
    )
    assert asked.session is not None
    services.session_exception_decide(
        actor=cast.dsl, exception=asked.session.exceptions.get(), approve=False, reason="Too long"
    )
    asked.session.refresh_from_db()
    assert asked.session.status == SessionStatus.REFUSED
    assert not EmailDelivery.objects.filter(purpose="session_invitation").exists()


@pytest.mark.parametrize("name", ["ict", "board", "admin"])
def test_roles_that_do_not_teach_cannot_book(cast: Cast, name: str) -> None:
    consent_for(cast.learner, cast.dsl)
    with pytest.raises(PermissionDenied):
        services.session_book(actor=cast.user(name), proposal=one_to_one(cast), title="Careers")
    assert not Session.objects.exists()


def test_another_organisations_learner_cannot_be_booked(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.session_book(
            actor=cast.teacher,
            proposal=one_to_one(cast, learners=[cast.outsider_learner]),
            title="Careers",
        )
    assert "learners" in error.value.errors
    assert not Session.objects.exists()


@pytest.mark.clause("SES-2")
def test_a_second_session_that_week_needs_an_exception_and_flags_the_first(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    first = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="One")
    assert first.booked and first.session is not None
    second_time = one_to_one(cast, start=next_weekday_at(11, weekday=2))
    second = services.session_book(actor=cast.teacher, proposal=second_time, title="Two")
    assert second.session is None
    assert "frequency.weekly" in _rules(second)
