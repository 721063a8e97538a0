"""Deciding an exception respects the session's state (SES-2, SES-3): a cancelled session
stays cancelled, and the organiser hears of every decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.sessions import services
from chaperon.sessions.attendance import session_room_ended
from chaperon.sessions.models import ExceptionStatus, Session, SessionException, SessionStatus
from tests.conftest import Cast
from tests.sessions.helpers import consent_for, one_to_one


def waiting_session(cast: Cast) -> Session:
    consent_for(cast.learner, cast.dsl)
    session = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(cast, duration_minutes=55),
        title="Careers",
        exception_reason="Interpreter present; everything takes longer",
    ).session
    assert session is not None and session.status == SessionStatus.AWAITING_EXCEPTION
    return session


def sent(purpose: str) -> int:
    return EmailDelivery.objects.filter(purpose=purpose).count()


@pytest.mark.clause("SES-3")
def test_cancelling_withdraws_the_pending_exception(cast: Cast) -> None:
    session = waiting_session(cast)
    services.session_cancel(actor=cast.teacher, session=session, reason="The family moved")
    exception = session.exceptions.get()
    assert exception.status == ExceptionStatus.WITHDRAWN
    event = AuditEvent.objects.get(action=AuditAction.SESSION_CANCELLED)
    assert event.details["exceptions_withdrawn"] == [exception.pk]


@pytest.mark.clause("SES-3")
@pytest.mark.parametrize("approve", [True, False])
def test_a_decision_after_cancelling_is_refused_and_changes_nothing(
    cast: Cast, approve: bool
) -> None:
    session = waiting_session(cast)
    services.session_cancel(actor=cast.teacher, session=session, reason="The family moved")
    exception = session.exceptions.get()
    events, emails = AuditEvent.objects.count(), EmailDelivery.objects.count()

    with pytest.raises(ValidationFailed, match="withdrawn when the session was cancelled"):
        services.session_exception_decide(
            actor=cast.slt, exception=exception, approve=approve, reason="Agreed"
        )

    session.refresh_from_db()
    exception.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert exception.status == ExceptionStatus.WITHDRAWN and exception.decided_by is None
    assert AuditEvent.objects.count() == events
    assert EmailDelivery.objects.count() == emails
    assert sent("session_invitation") == 0


@pytest.mark.clause("SES-3")
def test_an_exception_left_pending_on_a_cancelled_session_cannot_bring_it_back(
    cast: Cast,
) -> None:
    """Exceptions pending from before cancelling withdrew them: the session's state decides."""
    session = waiting_session(cast)
    services.session_cancel(actor=cast.teacher, session=session, reason="The family moved")
    SessionException.objects.filter(session=session).update(status=ExceptionStatus.PENDING)
    exception = session.exceptions.get()

    with pytest.raises(ValidationFailed, match="the session is cancelled"):
        services.session_exception_decide(
            actor=cast.slt, exception=exception, approve=True, reason="Agreed"
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.exceptions.get().status == ExceptionStatus.PENDING
    assert sent("session_invitation") == 0


@pytest.mark.clause("SES-3")
@pytest.mark.parametrize(
    ("approve", "status", "subject"),
    [(True, SessionStatus.BOOKED, "approved"), (False, SessionStatus.REFUSED, "refused")],
)
def test_the_organiser_is_emailed_the_decision(
    cast: Cast, approve: bool, status: str, subject: str
) -> None:
    session = waiting_session(cast)
    services.session_exception_decide(
        actor=cast.slt, exception=session.exceptions.get(), approve=approve, reason="Agreed"
    )
    session.refresh_from_db()
    assert session.status == status
    [email] = EmailDelivery.objects.filter(purpose="session_exception_decided")
    assert email.to == cast.teacher.email
    assert email.subject == f"Exception {subject}: Careers"
    assert "Sam Laurel (Senior leader)" in email.text
    assert "Their reason: Agreed" in email.text


def test_an_approved_exception_names_its_approver_not_a_number(cast: Cast) -> None:
    session = waiting_session(cast)
    services.session_exception_decide(
        actor=cast.slt, exception=session.exceptions.get(), approve=True, reason="Agreed"
    )
    session.refresh_from_db()
    [finding] = session.findings
    assert "An exception approved by Sam Laurel, a senior leader, covers it." in str(
        finding["message"]
    )
    assert f"by {cast.slt.pk} " not in str(finding["message"])


@pytest.mark.clause("SES-3")
def test_an_exception_asked_for_a_booked_session_is_decided_without_booking_again(
    cast: Cast,
) -> None:
    """The live room asks for a longer session as an exception on a session already booked:
    deciding it records the decision and leaves the booking and invitations alone."""
    consent_for(cast.learner, cast.dsl)
    session = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast), title="Careers"
    ).session
    assert session is not None
    invitations = sent("session_invitation")
    exception = SessionException.objects.create(
        session=session, requested_by=cast.teacher, reason="Disclosure", covers=["duration.max"]
    )
    services.session_exception_decide(
        actor=cast.dsl, exception=exception, approve=True, reason="Stay with them"
    )
    session.refresh_from_db()
    exception.refresh_from_db()
    assert session.status == SessionStatus.BOOKED
    assert exception.status == ExceptionStatus.APPROVED and exception.decided_role == "dsl"
    assert sent("session_invitation") == invitations
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXCEPTION_APPROVED).count() == 1


@pytest.mark.clause("SES-3")
def test_a_longer_session_asked_for_after_the_booked_end_can_still_be_decided(cast: Cast) -> None:
    """The room runs past the booked end while the host waits: the decision still counts,
    until the room has ended."""
    consent_for(cast.learner, cast.dsl)
    session = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast), title="Careers"
    ).session
    assert session is not None
    started = timezone.now() - timedelta(minutes=42)  # 40 minutes booked
    Session.objects.filter(pk=session.pk).update(
        start=started, status=SessionStatus.OPEN, opened_at=started
    )
    asked, late = (
        SessionException.objects.create(
            session=session, requested_by=cast.teacher, reason=reason, covers=["duration.max"]
        )
        for reason in ("Disclosure", "Still talking")
    )
    services.session_exception_decide(
        actor=cast.dsl, exception=asked, approve=True, reason="Stay with them"
    )
    assert SessionException.objects.get(pk=asked.pk).status == ExceptionStatus.APPROVED

    # The room ends with the second still waiting: it is withdrawn, and nobody can decide it.
    session_room_ended(session_id=session.pk, at=timezone.now())
    assert SessionException.objects.get(pk=late.pk).status == ExceptionStatus.WITHDRAWN
    with pytest.raises(ValidationFailed, match="withdrawn when the session was cancelled or its"):
        services.session_exception_decide(
            actor=cast.dsl, exception=late, approve=True, reason="Too late"
        )
    late.refresh_from_db()
    assert late.status == ExceptionStatus.WITHDRAWN and late.decided_by is None
    assert SessionException.objects.get(pk=asked.pk).status == ExceptionStatus.APPROVED
