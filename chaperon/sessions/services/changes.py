"""Changing a booked session: its learners, its staff, the adult in the house, recording and
the platform (SES-9, SES-10, REC-4). The changed session is judged by the policy first; the
change is saved only if the policy allows it, or, for a session already no longer allowed,
if it leaves nothing worse (turning recording off while a DBS check is still missing, say).
Everyone taking part is sent the new details, anyone added an invitation, and anyone taken
off a cancellation; the change is audited."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Learner, User
from chaperon.policy.engine.verdict import Decision, Outcome, Verdict

from .. import invitations
from ..judging import judge
from ..locks import lock_learners
from ..models import Session, SessionStatus
from ..permissions import require_may_change
from ..plans import SESSION_SETTINGS, Proposal, settings_of
from .booking import validate_proposal
from .rechecks import recheck_neighbours

PROBLEMS = (Outcome.BLOCK, Outcome.NEEDS_EXCEPTION)


@dataclass(frozen=True)
class SessionChange:
    """Everything about a session that its change page edits."""

    learners: Sequence[Learner]
    other_staff: Sequence[User]
    named_adult: str
    guardians_may_drop_in: bool
    platform: str
    recording_enabled: bool
    recording_purpose: str
    taking_part: str
    recording_alternative: str
    recording_need: str

    @classmethod
    def of(cls, session: Session) -> "SessionChange":
        return cls(
            learners=list(session.learners.all()),
            other_staff=[user for user in session.staff.all() if user.pk != session.organiser_id],
            **settings_of(session),
        )


@dataclass(frozen=True)
class ChangeResult:
    """``changed`` False: nothing was saved, ``verdict`` says why. True: saved; the session is
    allowed, or still flagged with ``verdict``'s remaining problems."""

    verdict: Verdict
    changed: bool
    fields: tuple[str, ...] = ()


def problems(verdict: Verdict) -> set[tuple[str, str | None]]:
    return {
        (finding.rule, finding.subject)
        for finding in verdict.findings
        if finding.outcome in PROBLEMS
    }


def _proposal(session: Session, change: SessionChange, organiser: User) -> Proposal:
    recording = change.recording_enabled
    return replace(
        Proposal.of(session),
        learners=list(change.learners),
        staff=[organiser, *(user for user in change.other_staff if user.pk != organiser.pk)],
        named_adult=change.named_adult.strip(),
        guardians_may_drop_in=change.guardians_may_drop_in,
        platform=change.platform,
        taking_part=change.taking_part,
        recording_enabled=recording,
        recording_purpose=change.recording_purpose.strip() if recording else "",
        recording_alternative=change.recording_alternative if recording else "",
        recording_need=change.recording_need.strip() if recording else "",
    )


def _changed_fields(before: Proposal, after: Proposal) -> tuple[str, ...]:
    names = []
    if {learner.pk for learner in before.learners} != {learner.pk for learner in after.learners}:
        names.append("learners")
    if {user.pk for user in before.staff} != {user.pk for user in after.staff}:
        names.append("staff")
    for name in SESSION_SETTINGS:
        if getattr(before, name) != getattr(after, name):
            names.append(name)
    return tuple(names)


@logged
def session_change(*, actor: User, session: Session, change: SessionChange) -> ChangeResult:
    """Change a booked session that has not started (organiser, DSL, deputies, senior
    leaders). Judged with the session and its old and new learners locked."""
    require_may_change(actor, session)
    with transaction.atomic():
        session = (
            Session.objects.select_for_update()
            .select_related("organisation", "organiser")
            .get(pk=session.pk)
        )
        if session.status != SessionStatus.BOOKED or session.start <= timezone.now():
            raise ValidationFailed(
                {"session": "only a booked session that has not started can be changed"}
            )
        current = Proposal.of(session)
        proposal = _proposal(session, change, session.organiser)
        validate_proposal(proposal, session.title)
        fields = _changed_fields(current, proposal)
        if not fields:
            raise ValidationFailed({"session": "nothing was changed"})
        lock_learners(learner.pk for learner in [*current.learners, *proposal.learners])
        before, verdict = judge(current), judge(proposal)
        allowed = verdict.decision == Decision.ALLOW
        if not allowed and not (
            before.decision != Decision.ALLOW and problems(verdict) <= problems(before)
        ):
            return ChangeResult(verdict, changed=False)
        _save(session, proposal, verdict, cleared=allowed and session.flagged)
        invitations.send_invitations(session, update=True)
        invitations.notify_senior_leaders(session, what="changed")
        record(
            action=AuditAction.SESSION_CHANGED,
            actor=actor,
            obj=session,
            data={"fields": list(fields), "decision": verdict.decision.value},
        )
    recheck_neighbours(session, learner_ids=[learner.pk for learner in current.learners])
    return ChangeResult(verdict, changed=True, fields=fields)


def _save(session: Session, proposal: Proposal, verdict: Verdict, *, cleared: bool) -> None:
    for name, value in settings_of(proposal).items():
        setattr(session, name, value)
    session.flagged = verdict.decision != Decision.ALLOW
    session.last_verdict = verdict.to_dict()
    session.ical_sequence += 1
    session.save()
    session.staff.set(proposal.staff)
    session.learners.set(proposal.learners)
    if cleared:
        record(action=AuditAction.SESSION_CLEARED, obj=session, reason="the session was changed")
