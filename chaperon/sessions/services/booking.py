"""Booking, moving and cancelling sessions (SES-6, SES-7).

Each service checks who may act, judges the session with the organisation's policy where it
must, writes its audit event and queues its email in one transaction."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Group, Learner, User
from chaperon.policy.engine.verdict import Decision, Outcome, Verdict
from chaperon.policy.selectors import organisation_policy

from .. import invitations
from ..judging import judge
from ..locks import lock_learners
from ..models import (
    LONGEST,
    ExceptionStatus,
    RecordingAlternative,
    Session,
    SessionException,
    SessionKind,
    SessionStatus,
    TakingPart,
)
from ..permissions import require_booker, require_may_change
from ..plans import Proposal
from .rechecks import recheck_neighbours


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
    # As the records are now, not as the objects passed in were read.
    left = Learner.objects.filter(
        pk__in=[learner.pk for learner in proposal.learners], left_on__isnull=False
    )
    if names := [learner.full_name for learner in left]:
        errors["learners"] = f"{', '.join(names)} left the organisation: take them off"
    gone = User.objects.filter(pk__in=[user.pk for user in proposal.staff], is_active=False)
    if names := [user.full_name for user in gone]:
        errors["staff"] = f"{', '.join(names)} can no longer sign in (left): choose someone else"
    errors.update(choice_errors(proposal))
    if errors:
        raise ValidationFailed(errors)


def choice_errors(proposal: Proposal) -> dict[str, str]:
    """What a session must say before it is booked or changed: how the learners take part
    (SES-12) and, if it is to be recorded, the alternative considered (REC-2). Each message
    names its clause and the fix."""
    errors: dict[str, str] = {}
    if proposal.taking_part not in TakingPart.values:
        errors["taking_part"] = (
            "SES-12: choose how the learners will take part, as their families chose: live "
            "video is optional (audio only, a phone call, text chat or a recorded message)"
        )
    if proposal.recording_enabled:
        if proposal.recording_alternative not in RecordingAlternative.values:
            errors["recording_alternative"] = (
                "REC-2: before asking to record, say which alternative you considered "
                "(a second member of staff observing, or notes)"
            )
        if not proposal.recording_need.strip():
            errors["recording_need"] = (
                "REC-2: say why that alternative is not enough and the session must be recorded"
            )
    return errors


def plan_errors(proposal: Proposal) -> dict[str, str]:
    """The plan for the conversation, and the crisis process for a 1:1, asked when booking
    (SES-13); the host completes the risk assessment before the session opens."""
    errors: dict[str, str] = {}
    if not proposal.conversation_plan.strip():
        errors["conversation_plan"] = "SES-13: write the plan for the session: what it will cover"
    if proposal.kind == SessionKind.ONE_TO_ONE and not proposal.crisis_plan.strip():
        errors["crisis_plan"] = (
            "SES-13: a 1:1 needs an agreed crisis process: who you will contact, and how, if "
            "the learner discloses harm or is in danger"
        )
    return errors


def _needing_exception(verdict: Verdict) -> list[str]:
    return sorted(
        {finding.rule for finding in verdict.findings if finding.outcome == Outcome.NEEDS_EXCEPTION}
    )


@logged
def session_book(
    *,
    actor: User,
    proposal: Proposal,
    title: str,
    exception_reason: str = "",
    group: Group | None = None,
) -> BookingResult:
    """Book if the policy allows; ask for an exception if it needs one and ``exception_reason``
    is given; otherwise (and whenever it blocks) book nothing and return the verdict. The
    learners are locked while the policy is checked and the session written (``locks``), so
    two bookings at the same moment cannot both pass the weekly limit. Booked for a ``group``
    (a class), the session follows who joins and leaves it (``services.groups``)."""
    require_booker(actor)
    if proposal.organisation.pk != actor.organisation_id or (
        group is not None and group.organisation_id != actor.organisation_id
    ):
        raise PermissionDenied("You can only book sessions for your own organisation.")
    try:
        validate_proposal(proposal, title)
    except ValidationFailed as failed:
        raise ValidationFailed({**failed.errors, **plan_errors(proposal)}) from None
    if errors := plan_errors(proposal):
        raise ValidationFailed(errors)
    with transaction.atomic():
        lock_learners(learner.pk for learner in proposal.learners)
        verdict = judge(proposal)
        if verdict.decision == Decision.BLOCK or (
            verdict.decision == Decision.NEEDS_EXCEPTION and not exception_reason.strip()
        ):
            return BookingResult(verdict, None)
        session = _create(actor, proposal, title, verdict, group)
        if verdict.decision == Decision.ALLOW:
            confirm_booking(session, actor=actor, action=AuditAction.SESSION_BOOKED)
        else:
            _ask_for_exception(session, actor, exception_reason.strip(), verdict)
    recheck_neighbours(session)
    return BookingResult(verdict, session)


def _create(
    actor: User, proposal: Proposal, title: str, verdict: Verdict, group: Group | None
) -> Session:
    session = Session.objects.create(
        organisation=proposal.organisation,
        group=group,
        organiser=actor,
        kind=proposal.kind,
        title=title.strip(),
        start=proposal.start,
        duration_minutes=proposal.duration_minutes,
        platform=proposal.platform,
        recording_enabled=proposal.recording_enabled,
        recording_purpose=proposal.recording_purpose.strip(),
        recording_alternative=proposal.recording_alternative if proposal.recording_enabled else "",
        recording_need=proposal.recording_need.strip() if proposal.recording_enabled else "",
        taking_part=proposal.taking_part,
        conversation_plan=proposal.conversation_plan.strip(),
        crisis_plan=proposal.crisis_plan.strip(),
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


def confirm_booking(session: Session, *, actor: User, action: AuditAction) -> None:
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
    return cancel(session, actor=actor, reason=reason)


def cancel(session: Session, *, actor: User | SystemActor, reason: str) -> Session:
    """Cancel ``session`` for a caller that has already settled who may (``session_cancel``,
    or the system when its organiser left)."""
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
