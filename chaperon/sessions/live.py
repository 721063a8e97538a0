"""What the live room asks of sessions: the policy at the door and at the start, and time
extensions recorded as exceptions (SES-3)."""

from dataclasses import replace
from datetime import date

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.people.models import Learner, User
from chaperon.policy.verdict import Outcome

from .judging import judge
from .models import ExceptionStatus, Session, SessionException, SessionKind
from .permissions import require_host
from .plans import Proposal, learner_subject

# Extensions granted by the host in the room carry this role, so that re-judging the session
# keeps using the exception it was booked with (if any), not an extension.
ROOM_EXTENSION_ROLE = "room_host"
# Decided in the room itself when the host starts: not a reason to keep someone waiting.
_DECIDED_AT_START = frozenset({"attendance.adult_present", "recording.comfort_check"})


def _proposal(session: Session) -> Proposal:
    booked_with = next(
        (
            exception
            for exception in session.exceptions.all()
            if exception.status == ExceptionStatus.APPROVED
            and exception.decided_role != ROOM_EXTENSION_ROLE
        ),
        None,
    )
    return replace(Proposal.of(session), exception=booked_with)


def admission_problems(*, session: Session, learner_id: int) -> list[str]:
    """Why the learner may not be admitted now: the session judged at ``stage: start`` (consent
    still in place, staff checks current, ...), keeping only what concerns the session as a
    whole or this learner. Empty when they may come in."""
    verdict = judge(_proposal(session), stage="start")
    subject = learner_subject(learner_id)
    return [
        finding.message
        for finding in verdict.findings
        if finding.outcome in (Outcome.BLOCK, Outcome.NEEDS_EXCEPTION)
        and finding.rule not in _DECIDED_AT_START
        and finding.subject in (None, subject)
    ]


def is_protected(learner: Learner, on: date) -> bool:
    """A minor or an adult at risk on ``on``: a 1:1 with them needs the named adult (SES-5)."""
    return learner.adult_at_risk or learner.age_on(on) < 18


def needs_named_adult(session: Session) -> bool:
    if session.kind != SessionKind.ONE_TO_ONE:
        return False
    on = session.start.astimezone(session.organisation.zone).date()
    return any(is_protected(learner, on) for learner in session.learners.all())


def session_extension_record(
    *, actor: User, session: Session, minutes: int, reason: str
) -> SessionException:
    """The host runs the session past its time (SES-3: only in exceptional circumstances): an
    approved exception with the host's reason, audited. The caller moves the room's end."""
    require_host(actor, session)
    errors = {}
    if not reason.strip():
        errors["reason"] = "say why the session must run longer; it is kept with the session"
    if not 1 <= minutes <= 60:
        errors["minutes"] = "extend by between 1 and 60 minutes"
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        exception = SessionException.objects.create(
            session=session,
            requested_by=actor,
            reason=reason.strip(),
            covers=["duration.max"],
            status=ExceptionStatus.APPROVED,
            decided_by=actor,
            decided_role=ROOM_EXTENSION_ROLE,
            decision_reason=f"Extended by {minutes} minutes in the live room.",
            decided_at=now,
        )
        record(
            action=AuditAction.ROOM_EXTENDED,
            actor=actor,
            obj=session,
            reason=reason.strip(),
            data={"minutes": minutes, "exception": exception.pk},
        )
    return exception
