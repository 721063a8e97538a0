"""What the live room adds to a learner's safeguarding chronology (registered in ``apps.py``):
for each session the learner was booked into, when its room started and ended, was locked,
and was recorded, and when the learner (or a parent or carer of theirs) came in, was refused,
was removed or left. Chat is not copied: it stays in the room log."""

from django.db.models import Q

from chaperon.core.chronology import ChronologyEntry
from chaperon.people.models import GuardianRelationship, User
from chaperon.sessions.models import Invitation, Session

from .models import RoomEvent

ROOM_WORDS = {
    "started": "Room: the session started",
    "ended": "Room: the session ended",
    "locked": "Room: locked",
    "unlocked": "Room: unlocked",
    "recording_started": "Room: recording started",
    "recording_stopped": "Room: recording stopped",
    "extended": "Room: the session was extended",
}
PERSON_WORDS = {
    "admitted": "was admitted",
    "refused": "was refused entry by the host",
    "removed": "was removed by the host",
    "left": "left",
    "refused_locked": "was turned away: the room was locked",
}


def room_chronology(viewer: User, learner_id: int) -> list[ChronologyEntry]:
    """Room events of the learner's sessions in the viewer's organisation (the caller has
    checked that the viewer may read the learner's chronology)."""
    sessions = Session.objects.filter(
        organisation_id=viewer.organisation_id, learners__id=learner_id
    ).values("pk")
    guardians = GuardianRelationship.objects.filter(learner_id=learner_id).values("guardian_id")
    theirs = Q(
        participant__invitation__role=Invitation.Role.LEARNER,
        participant__invitation__person_id=learner_id,
    ) | Q(
        participant__invitation__role=Invitation.Role.GUARDIAN,
        participant__invitation__person_id__in=guardians,
    )
    events = (
        RoomEvent.objects.filter(room_id__in=sessions)
        .filter(
            Q(kind__in=ROOM_WORDS, participant__isnull=True) | (Q(kind__in=PERSON_WORDS) & theirs)
        )
        .select_related("participant", "by", "room__session")
    )
    return [_entry(event) for event in events]


def _entry(event: RoomEvent) -> ChronologyEntry:
    session = event.room.session
    if event.kind in ROOM_WORDS:
        title = ROOM_WORDS[event.kind]
    else:
        who = event.participant.display_name if event.participant else "Someone"
        title = f"Room: {who} {PERSON_WORDS[event.kind]}"
    detail = session.title
    if event.by is not None:
        detail += f"; by {event.by.display_name}"
    if event.text:
        detail += f"; {event.text}"
    return ChronologyEntry(
        at=event.at, kind="Room", title=title, detail=detail, session_id=session.pk
    )
