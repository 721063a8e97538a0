"""Booking, exceptions, changes, re-checks and opening: every change to a session.

Each service checks who may act, judges the session with the organisation's policy where it
must, writes its audit event and queues its email in one transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.policy.engine.verdict import Decision, Outcome, Verdict
from chaperon.policy.selectors import organisation_policy

from . import invitations
from .judging import judge
from .locks import lock_learners
from .models import LONGEST, ExceptionStatus, Session, SessionException, SessionKind, SessionStatus
from .permissions import require_booker, require_host, require_may_change
from .plans import PlanFacts, Proposal


@dataclass(frozen=True)
class BookingResult:
    """What booking did: ``session`` is None when nothing was booked (see ``verdict``)."""

    verdict: Verdict
    session: Session | None

    @property
    def booked(self) -> bool:
        return self.session is not None and self.session.status == SessionStatus.BOOKED


@logged
def validate_proposal(proposal: Proposal, title: str) -> None:
    """Refuse a proposal that is not a session at all (no title, no staff, in the past, people
    of another organisation), naming the field."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "give the session a title people will recognise"
    if proposal.kind not in SessionKind.values:
        errors["kind"] = "choose a 1:1 session, a group session or a webinar"
    if proposal.kind == SessionKind.ONE_TO_ONE and len(proposal.learners) != 1:
        errors["learners"] = "a 1:1 session has exactly one learner"
    if not proposal.staff:
        errors["staff"] = "choose at least one member of staff"
    longest = int(LONGEST.total_seconds() // 60)
    if not 1 <= proposal.duration_minutes <= longest:
        errors["duration_minutes"] = f"a session lasts between 1 and {longest} minutes"
    if proposal.start <= timezone.now():
        errors["start"] = "choose a time in the future"
    organisation_id = proposal.organisation.pk
    if any(user.organisation_id != organisation_id for user in proposal.staff) or any(
        learner.organisation_id != organisation_id for learner in proposal.learners
    ):
        errors["learners"] = "everyone in a session belongs to its organisation"
    if errors:
        raise ValidationFailed(errors)


def _needing_exception(verdict: Verdict) -> list[str]:
    return sorted(
        {finding.rule for finding in verdict.findings if finding.outcome == Outcome.NEEDS_EXCEPTION}
    )


@logged
def session_book(
    *, actor: User, proposal: Proposal, title: str, exception_reason: str = ""
) -> BookingResult:
    """Book if the policy allows; ask for an exception if it needs one and ``exception_reason``
    is given; otherwise (and whenever it blocks) book nothing and return the verdict. The
    learners are locked while the policy is checked and the session written (``locks``), so
    two bookings at the same moment cannot both pass the weekly limit."""
    require_booker(actor)
    if proposal.organisation.pk != actor.organisation_id:
        raise PermissionDenied("You can only book sessions for your own organisation.")
    validate_proposal(proposal, title)
    with transaction.atomic():
        lock_learners(learner.pk for learner in proposal.learners)
        verdict = judge(proposal)
        if verdict.decision == Decision.BLOCK or (
            verdict.decision == Decision.NEEDS_EXCEPTION and not exception_reason.strip()
        ):
            return BookingResult(verdict, None)
        session = _create(actor, proposal, title, verdict)
        if verdict.decision == Decision.ALLOW:
            _confirm(session, actor=actor, action=AuditAction.SESSION_BOOKED)
        else:
            _ask_for_exception(session, actor, exception_reason.strip(), verdict)
    recheck_neighbours(session)
    return BookingResult(verdict, session)


def _create(actor: User, proposal: Proposal, title: str, verdict: Verdict) -> Session:
    session = Session.objects.create(
        organisation=proposal.organisation,
        organiser=actor,
        kind=proposal.kind,
        title=title.strip(),
        start=proposal.start,
        duration_minutes=proposal.duration_minutes,
        platform=proposal.platform,
        recording_enabled=proposal.recording_enabled,
        recording_purpose=proposal.recording_purpose.strip(),
        named_adult=proposal.named_adult.strip(),
        guardians_may_drop_in=proposal.guardians_may_drop_in,
        status=(
            SessionStatus.BOOKED
            if verdict.decision == Decision.ALLOW
            else SessionStatus.AWAITING_EXCEPTION
        ),
        last_verdict=verdict.to_dict(),
    )
    session.staff.set(proposal.staff)
    session.learners.set(proposal.learners)
    return session


def _confirm(session: Session, *, actor: User, action: AuditAction) -> None:
    """Record the booking, invite everyone and tell the senior leaders (SES-6, SES-7)."""
    invited = invitations.send_invitations(session)
    invitations.notify_senior_leaders(session, what="booked")
    record(
        action=action,
        actor=actor,
        obj=session,
        data={"policy": session.last_verdict.get("policy", ""), "invited": invited},
    )


def _ask_for_exception(session: Session, actor: User, reason: str, verdict: Verdict) -> None:
    exception = SessionException.objects.create(
        session=session, requested_by=actor, reason=reason, covers=_needing_exception(verdict)
    )
    policy = organisation_policy(session.organisation)
    invitations.notify_approvers(session, set(policy.exception_approvers), actor)
    record(
        action=AuditAction.SESSION_EXCEPTION_REQUESTED,
        actor=actor,
        obj=session,
        reason=reason,
        data={"covers": exception.covers, "exception": exception.pk},
    )


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
    _confirm(session, actor=actor, action=AuditAction.SESSION_BOOKED)


@logged
def session_reschedule(
    *, actor: User, session: Session, start: datetime, duration_minutes: int
) -> BookingResult:
    """Move a booked session. Only if the policy allows it at the new time (judged with the
    session and its learners locked); everyone gets the updated invitation (same UID, higher
    SEQUENCE)."""
    require_may_change(actor, session)
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.BOOKED:
            raise ValidationFailed({"start": "only a booked session can be moved"})
        proposal = replace(Proposal.of(session), start=start, duration_minutes=duration_minutes)
        validate_proposal(proposal, session.title)
        lock_learners(learner.pk for learner in proposal.learners)
        verdict = judge(proposal)
        if verdict.decision != Decision.ALLOW:
            return BookingResult(verdict, None)
        before = session.start
        session.start = start
        session.duration_minutes = duration_minutes
        session.ical_sequence += 1
        session.flagged = False
        session.last_verdict = verdict.to_dict()
        session.save()
        invitations.send_invitations(session, update=True)
        invitations.notify_senior_leaders(session, what="moved")
        record(
            action=AuditAction.SESSION_RESCHEDULED,
            actor=actor,
            obj=session,
            data={"from": before.isoformat(), "to": start.isoformat(), "minutes": duration_minutes},
        )
    recheck_neighbours(session)
    return BookingResult(verdict, session)


@logged
def session_cancel(*, actor: User, session: Session, reason: str) -> Session:
    """Cancel, with a reason sent to everyone invited. An exception still waiting for a
    decision is withdrawn with it: nobody can later approve it and bring the session back."""
    require_may_change(actor, session)
    if not reason.strip():
        raise ValidationFailed({"reason": "say why the session is cancelled; it goes to everyone"})
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status == SessionStatus.CANCELLED:
            return session
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = timezone.now()
        session.cancel_reason = reason.strip()
        session.ical_sequence += 1
        session.save()
        withdrawn = list(
            SessionException.objects.select_for_update()
            .filter(session=session, status=ExceptionStatus.PENDING)
            .values_list("pk", flat=True)
        )
        SessionException.objects.filter(pk__in=withdrawn).update(
            status=ExceptionStatus.WITHDRAWN, updated_at=timezone.now()
        )
        invitations.send_cancellations(session)
        invitations.notify_senior_leaders(session, what="cancelled")
        record(
            action=AuditAction.SESSION_CANCELLED,
            actor=actor,
            obj=session,
            reason=reason,
            data={"exceptions_withdrawn": withdrawn},
        )
    return session


# Re-checking ----------------------------------------------------------------------------------

RECHECKED = (SessionStatus.BOOKED, SessionStatus.AWAITING_EXCEPTION)


@logged
def session_recheck(session: Session, *, why: str, facts: PlanFacts | None = None) -> bool:
    """Judge a session again and record the outcome: one no longer allowed is flagged, one
    allowed again is cleared (both audited). True when it has just been flagged, or flagged
    for new reasons: its organiser and the DSL need telling (``recheck_sessions`` does)."""
    verdict = judge(Proposal.of(session), facts=facts)
    allowed = verdict.decision == Decision.ALLOW or (
        session.status == SessionStatus.AWAITING_EXCEPTION
        and verdict.decision == Decision.NEEDS_EXCEPTION
    )
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        changed = current.last_verdict != verdict.to_dict()
        newly_flagged = not allowed and (not current.flagged or changed)
        current.last_verdict = verdict.to_dict()
        if newly_flagged:
            current.flagged = True
            record(
                action=AuditAction.SESSION_FLAGGED,
                obj=current,
                reason=why,
                data={"rules": sorted({finding.rule for finding in verdict.findings})},
            )
        elif allowed and current.flagged:
            current.flagged = False
            record(action=AuditAction.SESSION_CLEARED, obj=current, reason=why)
        elif not changed:
            return False
        current.save(update_fields=["flagged", "last_verdict", "updated_at"])
    session.flagged, session.last_verdict = current.flagged, current.last_verdict
    return newly_flagged


@logged
def upcoming_sessions(**filters: object) -> list[Session]:
    """Upcoming sessions still booked (or waiting for an exception) matching ``filters``."""
    sessions = (
        Session.objects.filter(status__in=RECHECKED, start__gt=timezone.now(), **filters)
        .distinct()
        .select_related("organisation", "organiser")
        .prefetch_related("staff", "learners", "exceptions__decided_by")
    )
    return list(sessions)


@logged
def recheck_sessions(sessions: list[Session], *, why: str) -> int:
    """Judge each session again, then tell each organiser and the DSL, in one email each,
    about the sessions newly no longer allowed. Returns how many were re-checked."""
    facts = PlanFacts.for_sessions(sessions)
    flagged = [session for session in sessions if session_recheck(session, why=why, facts=facts)]
    if flagged:
        with transaction.atomic():
            invitations.notify_flagged(flagged, why=why)
    return len(sessions)


@logged
def recheck_neighbours(session: Session, *, learner_ids: Iterable[int] = ()) -> None:
    """After a booking, a move or a change: the other sessions that week of the session's
    learners (and of ``learner_ids``, those just taken off it) may now exceed the weekly
    limit, or be within it again."""
    learners = {learner.pk for learner in session.learners.all()} | set(learner_ids)
    others = [
        other
        for other in upcoming_sessions(
            learners__in=learners,
            start__range=(session.start - timedelta(days=7), session.start + timedelta(days=7)),
        )
        if other.pk != session.pk
    ]
    recheck_sessions(others, why="another session was booked for the same learner that week")


# Before and at the start (SES-13, SES-14, REC-6) ------------------------------------------------


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
