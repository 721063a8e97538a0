"""Deciding exceptions (SES-2, SES-3): approved or refused, with a reason, by those the
organisation's policy names; approval books a session that waited for it."""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.policy.engine.verdict import Decision, Outcome
from chaperon.policy.selectors import organisation_policy

from .. import invitations
from ..judging import judge
from ..locks import lock_learners
from ..models import ExceptionStatus, Session, SessionException, SessionStatus
from ..plans import Proposal
from .booking import confirm_booking


@logged
def approver_role(user: User, session: Session) -> str | None:
    """The role by which ``user`` may approve exceptions under the organisation's policy."""
    approvers = organisation_policy(session.organisation).exception_approvers
    return next((role for role in approvers if role in user.roles), None)


@logged
def decision_role(user: User, exception: SessionException) -> str:
    """The role by which ``user`` decides on ``exception``; PermissionDenied, saying why, if
    they may not."""
    session = exception.session
    if session.organisation_id != user.organisation_id:
        raise PermissionDenied("This exception is not for your organisation.")
    role = approver_role(user, session)
    if role is None:
        raise PermissionDenied("Only those the policy names may decide on exceptions.")
    if user.pk in (exception.requested_by_id, session.organiser_id):
        raise PermissionDenied("Someone other than the organiser must decide on this exception.")
    return role


@logged
def may_decide(user: User, exception: SessionException) -> bool:
    """Whether ``user`` may decide on ``exception`` now (the session page's buttons), as
    ``session_exception_decide`` would let them."""
    if exception.status != ExceptionStatus.PENDING or not open_to_decision(exception.session):
        return False
    try:
        decision_role(user, exception)
    except PermissionDenied:
        return False
    return True


@logged
def session_exception_decide(
    *, actor: User, exception: SessionException, approve: bool, reason: str
) -> SessionException:
    """Approve or refuse an exception, with a reason (audited); the organiser and whoever asked
    are emailed the decision. For a session waiting for its exception, approval books it if,
    with the exception, the policy now allows it, and refusal marks it refused. An exception
    asked for a session already booked or open (a longer session, asked for in the live
    room) is only decided: the caller acts on it. A session cancelled, refused or ended has
    nothing left to decide: refused, nothing changed."""
    role = decision_role(actor, exception)
    if not reason.strip():
        raise ValidationFailed({"reason": "say why you approve or refuse the exception"})
    with transaction.atomic():
        # The session first, then the exception: the order cancelling takes them in.
        session = (
            Session.objects.select_for_update()
            .select_related("organisation", "organiser")
            .get(pk=exception.session_id)
        )
        exception = SessionException.objects.select_for_update().get(pk=exception.pk)
        _require_undecided(exception, session)
        exception.status = ExceptionStatus.APPROVED if approve else ExceptionStatus.REFUSED
        exception.decided_by = actor
        exception.decided_role = role
        exception.decision_reason = reason.strip()
        exception.decided_at = timezone.now()
        exception.save()
        booking = session.status == SessionStatus.AWAITING_EXCEPTION
        if approve and booking:
            _book_with_exception(session, exception, actor)
        else:
            if booking:
                session.status = SessionStatus.REFUSED
                session.save(update_fields=["status", "updated_at"])
            record(
                action=(
                    AuditAction.SESSION_EXCEPTION_APPROVED
                    if approve
                    else AuditAction.SESSION_EXCEPTION_REFUSED
                ),
                actor=actor,
                obj=session,
                reason=exception.decision_reason,
                data={"exception": exception.pk, "covers": exception.covers},
            )
        invitations.notify_exception_decided(session, exception)
    return exception


@logged
def open_to_decision(session: Session) -> bool:
    """Whether deciding an exception for ``session`` still means something: it waits for its
    exception, or it is booked and still to come, or open with its room not yet ended (an
    open session runs until its room ends, which may be past its booked end: a longer session
    is asked for near the end)."""
    if session.status == SessionStatus.AWAITING_EXCEPTION:
        return True
    if session.status == SessionStatus.OPEN:
        return session.ended_at is None
    return session.status == SessionStatus.BOOKED and not session.has_ended()


def _require_undecided(exception: SessionException, session: Session) -> None:
    if exception.status == ExceptionStatus.WITHDRAWN:
        withdrawn = "this exception was withdrawn when the session was cancelled or its room ended"
        raise ValidationFailed({"decision": withdrawn})
    if exception.status != ExceptionStatus.PENDING:
        raise ValidationFailed({"decision": "this exception has already been decided"})
    if not open_to_decision(session):
        raise ValidationFailed(
            {"decision": f"the session is {session.state_label.lower()}: nothing is left to decide"}
        )


def _book_with_exception(session: Session, exception: SessionException, actor: User) -> None:
    lock_learners(session.learners.values_list("pk", flat=True))
    verdict = judge(replace(Proposal.of(session), exception=exception))
    if verdict.decision != Decision.ALLOW:
        raise ValidationFailed(
            {
                "decision": "even with this exception the session is not allowed now: "
                + "; ".join(f.message for f in verdict.findings if f.outcome == Outcome.BLOCK)
            }
        )
    session.status = SessionStatus.BOOKED
    session.last_verdict = verdict.to_dict()
    session.save(update_fields=["status", "last_verdict", "updated_at"])
    record(
        action=AuditAction.SESSION_EXCEPTION_APPROVED,
        actor=actor,
        obj=session,
        reason=exception.decision_reason,
        data={"exception": exception.pk, "covers": exception.covers},
    )
    confirm_booking(session, actor=actor, action=AuditAction.SESSION_BOOKED)
