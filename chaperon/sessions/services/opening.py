"""Before and at the start (SES-13, SES-14, REC-6): the host's preparation, and opening the
session only if the policy allows it at ``stage: start``."""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.policy.engine.verdict import Decision, Verdict

from ..judging import judge
from ..models import Session, SessionKind, SessionStatus
from ..permissions import require_host
from ..plans import Proposal


@logged
def session_prepare(
    *,
    actor: User,
    session: Session,
    risk_assessment: str,
    conversation_plan: str,
    crisis_plan: str = "",
) -> Session:
    require_host(actor, session)
    errors = {}
    if not risk_assessment.strip():
        errors["risk_assessment"] = "describe the risks you have considered and how you manage them"
    if not conversation_plan.strip():
        errors["conversation_plan"] = "say what the session will cover"
    if session.kind == SessionKind.ONE_TO_ONE and not crisis_plan.strip():
        errors["crisis_plan"] = "a 1:1 needs an agreed crisis process: who you call, and how"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        session.risk_assessment = risk_assessment.strip()
        session.conversation_plan = conversation_plan.strip()
        session.crisis_plan = crisis_plan.strip()
        session.risk_assessed_at = timezone.now()
        session.save()
        record(action=AuditAction.SESSION_PREPARED, actor=actor, obj=session)
    return session


@logged
def session_open(
    *,
    actor: User,
    session: Session,
    adult_present: dict[int, bool],
    comfortable_being_recorded: dict[int, bool],
) -> Verdict:
    """Judge the session at ``stage: start``; it opens only if that passes."""
    require_host(actor, session)
    if session.status != SessionStatus.BOOKED:
        raise ValidationFailed({"session": "only a booked session can open"})
    verdict = judge(
        replace(
            Proposal.of(session),
            adult_present=adult_present,
            comfortable_being_recorded=comfortable_being_recorded,
        ),
        stage="start",
    )
    with transaction.atomic():
        if verdict.decision == Decision.ALLOW:
            session.status = SessionStatus.OPEN
            session.opened_at = timezone.now()
            session.save(update_fields=["status", "opened_at", "updated_at"])
            record(action=AuditAction.SESSION_OPENED, actor=actor, obj=session)
        else:
            record(
                action=AuditAction.SESSION_OPEN_REFUSED,
                actor=actor,
                obj=session,
                data={"rules": sorted({finding.rule for finding in verdict.findings})},
            )
    return verdict
