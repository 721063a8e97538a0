"""What stops when someone leaves. A member of staff (``people.events.StaffLeft``): the
sessions they organise are cancelled, with the reason sent to everyone invited, and they are
taken off the sessions they were to join, which are judged again (a group left with one member
of staff is flagged, and its organiser and the DSL told). A learner (``LearnerLeft``): a
session that was theirs alone is cancelled, and they are taken off the others."""

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SYSTEM
from chaperon.core.service_log import logged

from ..models import Session
from .booking import cancel
from .rechecks import recheck_sessions, upcoming_sessions

LEFT_REASON = "The member of staff who was to run it has left the organisation."
STAFF_LEFT_WHY = "a member of its staff has left the organisation"
LEARNER_LEFT_REASON = "The learner has left the organisation."
LEARNER_LEFT_WHY = "a learner in it has left the organisation"


def _take_off(session: Session, people: str, person_id: int, *, why: str) -> None:
    """Take one person off ``session``'s ``people`` ("staff" or "learners"), audited."""
    with transaction.atomic():
        getattr(session, people).remove(person_id)
        record(
            action=AuditAction.SESSION_CHANGED,
            obj=session,
            reason=why,
            data={f"{people}_removed": [person_id]},
        )


@logged
def sessions_stop_for_leaver(*, user_id: int) -> tuple[int, int]:
    """Cancel the upcoming sessions ``user_id`` organises and take them off those they were
    to join; returns how many of each."""
    organised = upcoming_sessions(organiser_id=user_id)
    for session in organised:
        cancel(session, actor=SYSTEM, reason=LEFT_REASON)
    joined = [session.pk for session in upcoming_sessions(staff=user_id)]
    for session in upcoming_sessions(pk__in=joined):
        _take_off(session, "staff", user_id, why=STAFF_LEFT_WHY)
    # Read again: each session's staff as they are now.
    recheck_sessions(upcoming_sessions(pk__in=joined), why=STAFF_LEFT_WHY)
    return len(organised), len(joined)


@logged
def sessions_stop_for_learner_leaver(*, learner_id: int) -> tuple[int, int]:
    """Cancel the upcoming sessions that were ``learner_id``'s alone and take them off the
    others; returns how many of each."""
    cancelled, changed = 0, []
    for session in upcoming_sessions(learners=learner_id):
        if [learner.pk for learner in session.learners.all()] == [learner_id]:
            cancel(session, actor=SYSTEM, reason=LEARNER_LEFT_REASON)
            cancelled += 1
            continue
        _take_off(session, "learners", learner_id, why=LEARNER_LEFT_WHY)
        changed.append(session.pk)
    recheck_sessions(upcoming_sessions(pk__in=changed), why=LEARNER_LEFT_WHY)
    return cancelled, len(changed)
