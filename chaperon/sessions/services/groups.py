"""Sessions booked for a class or group follow its membership (``people.events.
GroupMembersChanged``): a learner who joins is added to its sessions still to come and
invited, with their parents and carers; a learner who leaves is taken off and their
invitations withdrawn. Each changed session is judged again (consent, limits), like any
other change."""

from collections.abc import Iterable

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.service_log import logged
from chaperon.people.models import Learner

from .. import invitations
from ..models import Session
from .rechecks import recheck_sessions, upcoming_sessions

JOINED_WHY = "a learner joined the class it was booked for"
LEFT_WHY = "a learner left the class it was booked for"


def _follow(session: Session, joined: list[int], left: list[int]) -> bool:
    """Add ``joined`` and take off ``left`` (those not already so); whether it changed."""
    present = {learner.pk for learner in session.learners.all()}
    adding = [pk for pk in joined if pk not in present]
    removing = [pk for pk in left if pk in present]
    if not adding and not removing:
        return False
    with transaction.atomic():
        session.learners.add(*adding)
        session.learners.remove(*removing)
        invited = invitations.invite_newcomers(session)
        record(
            action=AuditAction.SESSION_CHANGED,
            obj=session,
            reason=JOINED_WHY if adding else LEFT_WHY,
            data={"learners_added": adding, "learners_removed": removing, "invited": invited},
        )
    return True


@logged
def sessions_follow_group(*, group_id: int, joined: Iterable[int], left: Iterable[int]) -> int:
    """Bring the group's sessions still to come in line with who is in it; returns how many
    changed. Learners who have left the organisation are never added."""
    current = list(
        Learner.objects.filter(pk__in=list(joined), left_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    leaving = list(left)
    changed = [
        session.pk
        for session in upcoming_sessions(group_id=group_id)
        if _follow(session, current, leaving)
    ]
    why = JOINED_WHY if current else LEFT_WHY
    recheck_sessions(upcoming_sessions(pk__in=changed), why=why)
    return len(changed)
