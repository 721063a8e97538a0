"""A session opens only when the checks at the start pass (SES-13, SES-5, REC-6)."""

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.consent.services.agreements import staff_recording_consent_answer
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.sessions import services
from chaperon.sessions.models import Session, SessionStatus
from tests.conftest import Cast
from tests.sessions.helpers import consent_for, one_to_one


def _booked(cast: Cast, **changes: object) -> Session:
    result = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast, **changes), title="Careers"
    )
    assert result.booked and result.session is not None, result.verdict.to_dict()
    return result.session


def _rules(verdict) -> set[str]:
    return {finding.rule for finding in verdict.findings}


@pytest.mark.clause("SES-13")
def test_no_opening_without_the_risk_assessment(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    session = _booked(cast)
    verdict = services.session_open(
        actor=cast.teacher,
        session=session,
        adult_present={cast.learner.pk: True},
        comfortable_being_recorded={},
    )
    assert verdict.decision == "block" and "session.risk_assessment" in _rules(verdict)
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_OPEN_REFUSED).count() == 1


@pytest.mark.clause("SES-5")
def test_the_host_confirms_the_adult_before_a_one_to_one_opens(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    session = _booked(cast)
    with pytest.raises(ValidationFailed) as error:
        services.session_prepare(
            actor=cast.teacher, session=session, risk_assessment="Low", conversation_plan="CV"
        )
    assert "crisis_plan" in error.value.errors
    services.session_prepare(
        actor=cast.teacher,
        session=session,
        risk_assessment="Learner known to the service; no current concerns.",
        conversation_plan="Post-16 options and next steps.",
        crisis_plan="Call the DSL on the school line, then 999 if in danger.",
    )
    refused = services.session_open(
        actor=cast.teacher, session=session, adult_present={}, comfortable_being_recorded={}
    )
    assert _rules(refused) >= {"attendance.adult_present"}
    opened = services.session_open(
        actor=cast.teacher,
        session=session,
        adult_present={cast.learner.pk: True},
        comfortable_being_recorded={},
    )
    assert opened.decision == "allow"
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN and session.opened_at is not None


@pytest.mark.clause("REC-6")
def test_a_recorded_session_asks_each_learner_if_they_are_comfortable(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl, recording=True)
    staff_recording_consent_answer(actor=cast.teacher, answer="given")
    session = _booked(cast, recording_enabled=True, recording_purpose="Coaching review")
    services.session_prepare(
        actor=cast.teacher,
        session=session,
        risk_assessment="Low",
        conversation_plan="Interview practice",
        crisis_plan="DSL on the school line",
    )
    not_asked = services.session_open(
        actor=cast.teacher,
        session=session,
        adult_present={cast.learner.pk: True},
        comfortable_being_recorded={cast.learner.pk: False},
    )
    assert "recording.comfort_check" in _rules(not_asked)
    opened = services.session_open(
        actor=cast.teacher,
        session=session,
        adult_present={cast.learner.pk: True},
        comfortable_being_recorded={cast.learner.pk: True},
    )
    assert opened.decision == "allow"


def test_only_the_host_prepares_and_opens(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    session = _booked(cast)
    with pytest.raises(PermissionDenied):
        services.session_prepare(
            actor=cast.dsl,
            session=session,
            risk_assessment="x",
            conversation_plan="y",
            crisis_plan="z",
        )
    with pytest.raises(PermissionDenied):
        services.session_open(
            actor=cast.teacher2, session=session, adult_present={}, comfortable_being_recorded={}
        )
    session.refresh_from_db()
    assert session.risk_assessed_at is None and session.status == SessionStatus.BOOKED
