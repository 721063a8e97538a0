"""Re-checking sessions when a fact they depend on changes: one no longer allowed is flagged
(its organiser and the DSL told), one allowed again is cleared."""

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.service_log import logged
from chaperon.policy.engine.verdict import Decision

from .. import invitations
from ..judging import judge
from ..models import Session, SessionStatus
from ..plans import PlanFacts, Proposal

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
