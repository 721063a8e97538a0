"""Chat screening in the room (ORG-5, INC-1; docs/rooms.md, "Chat screening"): a message graded
4 or 5 is held back from the room, the staff in the room are told at once, the sender is told
kindly, and a concern goes to the DSL with the message and the chat before it. A message graded
2 or 3 is relayed as usual and its screening kept for the monitoring report."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.concerns.models import ConcernKind, ConcernType, FourCs
from chaperon.concerns.services import concern_raise
from chaperon.core.actors import SYSTEM
from chaperon.people.models import Learner, User
from chaperon.sessions.models import Invitation

from .. import broadcast
from ..models import Participant, Room, RoomEvent
from ..screening import (
    BULLYING,
    CATEGORY_WORDS,
    DISCRIMINATION,
    EXTREMISM,
    GROOMING,
    SELF_HARM,
    SEXUAL,
    VIOLENCE,
    Screening,
    described,
)
from .common import audit, event, staff_in_room

# The chat messages before a held one that go with it to the DSL.
CONTEXT_MESSAGES = 10
# Each of those is cut to this many characters, so that the concern's description (20,000 at
# most) always has room for the held message in full.
CONTEXT_CHARS = 500
CHAT_KINDS = ("chat", "chat_held")
NOT_SENT = (
    "Your message was not sent. Something in it may need a grown-up's help, so a member of "
    "staff will see it. If you are worried about anything, you can use Leave and report."
)

TYPES = {
    BULLYING: ConcernType.CYBERBULLYING,
    SEXUAL: ConcernType.SEXUAL_IMAGERY,
    SELF_HARM: ConcernType.SELF_HARM,
    GROOMING: ConcernType.GROOMING,
    VIOLENCE: ConcernType.VIOLENCE,
    EXTREMISM: ConcernType.RADICALISATION,
    DISCRIMINATION: ConcernType.DISCRIMINATION,
}
FOUR_CS = {
    GROOMING: FourCs.CONTACT,
    SEXUAL: FourCs.CONTACT,
    BULLYING: FourCs.CONDUCT,
    VIOLENCE: FourCs.CONDUCT,
    DISCRIMINATION: FourCs.CONDUCT,
    EXTREMISM: FourCs.CONTENT,
    SELF_HARM: FourCs.NOT_SURE,
}


def chat_keep(participant: Participant, text: str, screening: Screening) -> RoomEvent:
    """A message that may go to the room: kept with its screening, and flagged in the audit
    log when something was found. Call it inside the transaction."""
    message = event(
        participant.room, "chat", participant=participant, text=text, screening=screening.as_data()
    )
    if screening.grade >= 2:
        audit(
            AuditAction.ROOM_CHAT_FLAGGED,
            participant.room,
            participant,
            data=_audited(message, participant, screening),
        )
    return message


def chat_hold(participant: Participant, text: str, screening: Screening) -> RoomEvent:
    """Hold a message back (grade 4 or 5): it is kept on the room log but never relayed, a
    concern is raised for the DSL, the staff in the room and the sender are told once this
    commits. Call it inside the transaction."""
    room = participant.room
    before = list(
        RoomEvent.objects.filter(room=room, kind__in=CHAT_KINDS)
        .select_related("participant")
        .order_by("-at", "-id")[:CONTEXT_MESSAGES]
    )[::-1]
    about = _about(participant)
    concern = concern_raise(
        actor=SYSTEM,
        organisation=room.session.organisation,
        session=room.session,
        description=_description(room, participant, text, screening, before),
        category=FOUR_CS[screening.categories[0].category],
        types=[TYPES[hit.category] for hit in screening.categories if hit.grade >= 3],
        occurred_on=timezone.localdate(timezone=room.session.organisation.zone),
        kind=about.kind,
        learner=about.learner,
        subject_staff=about.subject_staff,
        about_name=about.about_name,
    )
    held = event(
        room,
        "chat_held",
        participant=participant,
        text=text,
        screening=screening.as_data(),
        concern=concern.reference,
    )
    data = _audited(held, participant, screening)
    audit(AuditAction.ROOM_CHAT_HELD, room, participant, data={**data, "concern": concern.pk})
    _tell(room, participant, held, screening)
    return held


def _audited(message: RoomEvent, participant: Participant, screening: Screening) -> dict[str, Any]:
    return {
        "participant": participant.pk,
        "message": message.pk,
        "grade": screening.grade,
        "categories": [hit.category for hit in screening.categories],
    }


@dataclass(frozen=True)
class _About:
    kind: str = ConcernKind.CONCERN
    learner: Learner | None = None
    subject_staff: User | None = None
    about_name: str = ""


def _about(participant: Participant) -> _About:
    """Whom the concern is about: the learner who sent it, a member of staff (an allegation,
    INC-10), or the name shown for anyone else."""
    invitation = participant.invitation
    if participant.user is not None and participant.role == Invitation.Role.STAFF:
        return _About(kind=ConcernKind.ALLEGATION, subject_staff=participant.user)
    if invitation is not None and invitation.role == Invitation.Role.LEARNER:
        learner = Learner.objects.filter(pk=invitation.person_id).first()
        if learner is not None:
            return _About(learner=learner)
    return _About(about_name=participant.display_name)


def _description(
    room: Room,
    sender: Participant,
    text: str,
    screening: Screening,
    before: list[RoomEvent],
) -> str:
    zone = room.session.organisation.zone
    now = timezone.localtime(timezone.now(), zone)
    lines = [
        f"The chat screening held back a message that {sender.display_name} ({sender.role}) "
        f'sent in the live session "{room.session.title}" on {now:%d %b %Y at %H:%M:%S}. '
        f"It was {described(screening.as_data())}. Nobody else in the "
        "room saw it; the host was told it was held.",
        "",
        "The message:",
        text,
        "",
    ]
    if before:
        lines.append(f"The {len(before)} chat messages before it, oldest first:")
        for message in before:
            said = message.text[:CONTEXT_CHARS] + ("…" if len(message.text) > CONTEXT_CHARS else "")
            held = " (held back)" if message.kind == "chat_held" else ""
            who = message.participant.display_name if message.participant else "?"
            lines.append(f"[{timezone.localtime(message.at, zone):%H:%M:%S}] {who}{held}: {said}")
    else:
        lines.append("There was no chat before it.")
    return "\n".join(lines)


def _tell(room: Room, sender: Participant, held: RoomEvent, screening: Screening) -> None:
    """The connections of the staff in the room (the host and the second adult) alone hear of
    it, never the learners' or parents'; the sender is told kindly that it was not sent."""
    notice = {
        "type": "chat-held",
        "id": held.pk,
        "from": sender.pk,
        "name": sender.display_name,
        "grade": screening.grade,
        "categories": [
            {"category": hit.category, "words": CATEGORY_WORDS[hit.category], "label": hit.label}
            for hit in screening.categories
        ],
        "at": held.at.isoformat(),
    }
    for staff in staff_in_room(room):
        if staff.pk != sender.pk:
            broadcast.tell(staff.channel_name, notice)
    broadcast.tell(
        sender.channel_name, {"type": "chat-not-sent", "id": held.pk, "message": NOT_SENT}
    )
