"""What the live room asks of sessions: the policy at the door and at the start, and time
extensions, which are exceptions (SES-3): approved by the host within the policy's allowance
for the host (``host_extension_minutes``), or asked of the policy's approvers, who decide them
like any exception (``services.session_exception_decide``)."""

from dataclasses import replace
from datetime import date

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.pure.dates import is_minor
from chaperon.core.service_log import logged
from chaperon.people.models import Learner, User
from chaperon.policy.engine.verdict import Outcome

from ..judging import judge
from ..models import ExceptionStatus, Session, SessionException, SessionKind
from ..permissions import require_host
from ..plans import Proposal, learner_subject

# Extensions the host approves in the room, within the policy's allowance, carry this role.
ROOM_EXTENSION_ROLE = "room_host"
# Decided in the room itself when the host starts: not a reason to keep someone waiting.
_DECIDED_AT_START = frozenset({"attendance.adult_present", "recording.comfort_check"})


@logged
def is_extension(exception: SessionException, session: Session) -> bool:
    """Asked in the live room: approved by the host there, or asked once the session had
    opened (an exception for booking is always asked before)."""
    return exception.decided_role == ROOM_EXTENSION_ROLE or (
        session.opened_at is not None and exception.created_at >= session.opened_at
    )


def _proposal(session: Session) -> Proposal:
    """The session as booked: re-judging it keeps using the exception it was booked with (if
    any), not an extension."""
    booked_with = next(
        (
            exception
            for exception in session.exceptions.all()
            if exception.status == ExceptionStatus.APPROVED and not is_extension(exception, session)
        ),
        None,
    )
    return replace(Proposal.of(session), exception=booked_with)


@logged
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


@logged
def is_protected(learner: Learner, on: date) -> bool:
    """A minor or an adult at risk on ``on``: a 1:1 with them needs the named adult (SES-5)."""
    return learner.adult_at_risk or is_minor(learner.date_of_birth, on)


@logged
def needs_named_adult(session: Session) -> bool:
    if session.kind != SessionKind.ONE_TO_ONE:
        return False
    on = session.start.astimezone(session.organisation.zone).date()
    return any(is_protected(learner, on) for learner in session.learners.all())


def _check_extension(actor: User, session: Session, minutes: int, reason: str) -> None:
    require_host(actor, session)
    errors = {}
    if not reason.strip():
        errors["reason"] = "say why the session must run longer; it is kept with the session"
    if not 1 <= minutes <= 60:
        errors["minutes"] = "extend by between 1 and 60 minutes"
    if errors:
        raise ValidationFailed(errors)


@logged
def session_extension_by_host(
    *, actor: User, session: Session, minutes: int, reason: str, allowance: int
) -> SessionException:
    """The host runs the session longer within the policy's allowance for the host
    (``allowance`` minutes in all, which the caller has checked): an exception approved by
    the host under that allowance, with their reason, audited. The caller moves the room's
    end and tells the approvers at once."""
    _check_extension(actor, session, minutes, reason)
    with transaction.atomic():
        exception = SessionException.objects.create(
            session=session,
            requested_by=actor,
            reason=reason.strip(),
            covers=["duration.max"],
            status=ExceptionStatus.APPROVED,
            decided_by=actor,
            decided_role=ROOM_EXTENSION_ROLE,
            decision_reason=f"Extended by {minutes} minutes in the live room by the host, within "
            f"the policy's allowance of {allowance} minutes without an approver; the approvers "
            "were told at once.",
            decided_at=timezone.now(),
        )
        record(
            action=AuditAction.ROOM_EXTENDED,
            actor=actor,
            obj=session,
            reason=reason.strip(),
            data={"minutes": minutes, "exception": exception.pk, "within_allowance": allowance},
        )
    return exception


@logged
def session_extension_request(
    *, actor: User, session: Session, minutes: int, reason: str
) -> SessionException:
    """The host asks to run the session longer than the policy lets them alone: a pending
    exception, audited, for the policy's approvers to decide as any exception is decided. The
    caller tells the approvers, and moves the room's end once it is approved."""
    _check_extension(actor, session, minutes, reason)
    with transaction.atomic():
        exception = SessionException.objects.create(
            session=session,
            requested_by=actor,
            reason=f"Run the live session {minutes} minutes longer: {reason.strip()}",
            covers=["duration.max"],
        )
        record(
            action=AuditAction.SESSION_EXCEPTION_REQUESTED,
            actor=actor,
            obj=session,
            reason=reason.strip(),
            data={"covers": exception.covers, "exception": exception.pk, "minutes": minutes},
        )
    return exception
