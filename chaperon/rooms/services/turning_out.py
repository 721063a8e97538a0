"""Someone who may no longer take part is taken out of every live room at once, not left in
until the session ends: a member of staff who left the organisation or was suspended from
sessions while an allegation about them is looked into (``people.events.StaffLeft``,
``StaffChanged``), and a learner who left (``LearnerLeft``). The room tells them and closes
their connection; they cannot come back, since the door refuses them from then on. When the
host is taken out, the session ends for everyone: nobody is left in a room without its host.
"""

from django.db import transaction
from django.db.models import QuerySet

from chaperon.core.actors import SYSTEM
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.models import Invitation

from .. import broadcast
from ..models import Participant, Presence
from ..permissions import is_session_staff
from .common import locked_room, put_out
from .presence import warn_if_staff_alone
from .timing import room_end

TURNED_OUT_MESSAGE = "You can no longer take part in this session. It has been recorded."
HOST_TURNED_OUT = "host_turned_out"
STILL_THERE = (Presence.WAITING, Presence.ADMITTED)


def _still_there(participants: QuerySet[Participant]) -> list[Participant]:
    return list(
        participants.filter(room__ended_at__isnull=True, presence__in=STILL_THERE)
        .select_related("room__session")
        .order_by("pk")
    )


@logged
def room_turn_out_staff(*, user_id: int) -> int:
    """Take ``user_id`` out of every live room they may no longer be in (they left, or were
    suspended from sessions); a change that still lets them take part (a new DBS date) leaves
    them where they are. Returns how many rooms they were taken out of."""
    user = User.objects.get(pk=user_id)
    turned = 0
    for participant in _still_there(Participant.objects.filter(user_id=user_id)):
        if not is_session_staff(user, participant.room.session):
            turned += _turn_out(participant, why="staff_may_not_take_part")
    return turned


@logged
def room_turn_out_learner(*, learner_id: int) -> int:
    """Take a learner who left out of every live room they are in, on any of their devices."""
    theirs = Invitation.every.filter(role=Invitation.Role.LEARNER, person_id=learner_id)
    turned = 0
    for participant in _still_there(Participant.objects.filter(invitation__in=theirs)):
        turned += _turn_out(participant, why="learner_left")
    return turned


def _turn_out(participant: Participant, *, why: str) -> bool:
    with transaction.atomic():
        room = locked_room(participant.room_id)
        target = Participant.objects.select_for_update().get(pk=participant.pk)
        if room.ended_at is not None or target.presence not in STILL_THERE:
            return False
        was_in = target.presence == Presence.ADMITTED
        put_out(room, target, kind="turned_out", by=None, message=TURNED_OUT_MESSAGE, why=why)
        if was_in and not target.is_host:
            warn_if_staff_alone(room, target)
        broadcast.room_changed(room.pk)
    if target.is_host:
        room_end(session_id=room.pk, actor=SYSTEM, reason=HOST_TURNED_OUT)
    return True
