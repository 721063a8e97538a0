"""Group sessions and webinars on the media server (Janus): Chaperon stays the authority.

A room of a group session or webinar is made on the SFU when one is configured (else, and for
every 1:1, browsers connect to each other as before). Janus's room has a random secret and pin
that only Chaperon holds. Each person's connection joins it through the server, with a token of
its own that is in the room's allowed list only while they are in the call: added as they
enter it (the room locked, so that a removal cannot come between), removed with a kick as
they are removed, turned out, replaced by another device or leave. The room is destroyed when
the session ends, by the host or at its time limit. The host's mute is Janus's own, so a
learner cannot undo it. What a person may publish is checked here before Janus sees it (ROOM-4);
what they receive is the class layout (``visible_to``)."""

import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.db import transaction

from chaperon.core.exceptions import ChaperonError, PermissionDenied
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.models import Invitation, Session, SessionKind

from .. import broadcast
from ..janus import JanusAdmin, sfu_config
from ..janus_link import Ticket
from ..models import Media, Participant, Presence, Room
from .calls import refuse_screen_share, video_senders
from .common import event, host_of, in_call, locked_room, target_of

logger = logging.getLogger(__name__)

# Janus's room takes at most this many publishers: staff, and learners' cameras in a class.
MAX_PUBLISHERS = 100
_AUDIO_MID = re.compile(r"^m=audio[^\n]*\n(?:(?!m=)[^\n]*\n)*?a=mid:(\S+)", re.MULTILINE)


def room_defaults(session: Session) -> dict[str, Any]:
    """How a new room of ``session`` carries media: on the SFU for a group session or a
    webinar when one is configured, with a fresh secret and pin; else browser to browser."""
    if sfu_config() is None or session.kind == SessionKind.ONE_TO_ONE:
        return {"media": Media.MESH}
    return {
        "media": Media.SFU,
        "sfu_secret": secrets.token_urlsafe(32),
        "sfu_pin": secrets.token_urlsafe(32),
    }


def _admin() -> JanusAdmin:
    config = sfu_config()
    if config is None:
        raise ChaperonError("This room is on the media server, which is no longer configured.")
    return JanusAdmin(config)


def publishes(participant: Participant, session: Session) -> bool:
    """In a webinar only the staff (the presenters) send; viewers receive."""
    return session.kind != SessionKind.WEBINAR or participant.role == Invitation.Role.STAFF


@logged
def sfu_ticket(*, participant_id: int) -> Ticket:
    """What this connection joins the room's media with: a fresh token, put in the Janus room's
    allowed list (the room made there if it is not yet, or no longer, after a restart of
    Janus) while the room is locked, so that a removal at the same moment comes after it and
    takes it out again. Only someone in the call of a started room gets one."""
    with transaction.atomic():
        room = locked_room(
            Participant.objects.values_list("room", flat=True).get(pk=participant_id)
        )
        participant = Participant.objects.get(pk=participant_id)
        participant.room = room
        if room.media != Media.SFU:
            raise PermissionDenied("This room's media does not go through the media server.")
        if room.started_at is None or room.ended_at is not None or not in_call(participant):
            raise PermissionDenied("Only people in the call receive or send media.")
        previous = participant.sfu_token
        participant.sfu_token = secrets.token_urlsafe(24)
        participant.sfu_feed = None
        participant.sfu_audio_mid = ""
        participant.save(update_fields=["sfu_token", "sfu_feed", "sfu_audio_mid"])
        with _admin() as admin:
            admin.create_room(
                room_id=room.pk,
                secret=room.sfu_secret,
                pin=room.sfu_pin,
                publishers=MAX_PUBLISHERS,
                description=f"session {room.pk}",
            )
            if previous:
                admin.disallow(room_id=room.pk, secret=room.sfu_secret, tokens=[previous])
            admin.allow(room_id=room.pk, secret=room.sfu_secret, tokens=[participant.sfu_token])
    return Ticket(
        room=room.pk, pin=room.sfu_pin, token=participant.sfu_token, display=str(participant.pk)
    )


@logged
def sfu_check_publish(*, participant_id: int, sdp: str) -> None:
    """ROOM-4 on the SFU: a participant's offer may send one camera and one microphone; a
    second video (a screen) is refused and recorded, as in the mesh. Webinar viewers send
    nothing."""
    participant = Participant.objects.select_related("room__session").get(pk=participant_id)
    room = participant.room
    if room.media != Media.SFU or not in_call(participant) or room.ended_at is not None:
        raise PermissionDenied("Only people in the call send media.")
    if not publishes(participant, room.session):
        raise PermissionDenied("In a webinar only the presenters send video and sound.")
    if not participant.is_host and video_senders(sdp) > 1:
        refuse_screen_share(room, participant, how="offer")


@logged
def sfu_published(*, participant_id: int, feed_id: int, sdp: str) -> None:
    """Janus accepted the publication: keep its feed and audio mid for the host's mute and a
    removal's kick."""
    match = _AUDIO_MID.search(sdp.replace("\r\n", "\n"))
    Participant.objects.filter(pk=participant_id).update(
        sfu_feed=feed_id, sfu_audio_mid=match.group(1) if match else ""
    )


def _after_commit(room: Room, what: str, step: Callable[[JanusAdmin, int, str], None]) -> None:
    """Once the change commits, ``step(admin, room id, secret)`` on Janus. A failure is
    logged, not raised: the change stands, and the person's connection, closed by it too,
    ends their Janus session anyway."""
    room_id, secret = room.pk, room.sfu_secret

    def run() -> None:
        try:
            with _admin() as admin:
                step(admin, room_id, secret)
        except ChaperonError:
            logger.exception("could not %s in SFU room %s", what, room_id)

    transaction.on_commit(run)


def release(room: Room, participant: Participant) -> None:
    """``participant`` is out of the call: once the change commits, their token leaves the
    allowed list and Janus kicks their feed, so their media stops for everyone even before
    their connection closes. Call it inside the transaction."""
    if room.media != Media.SFU or not participant.sfu_token:
        return
    token, feed = participant.sfu_token, participant.sfu_feed

    def kick(admin: JanusAdmin, room_id: int, secret: str) -> None:
        admin.disallow(room_id=room_id, secret=secret, tokens=[token])
        if feed is not None:
            admin.kick(room_id=room_id, secret=secret, feed_id=feed)

    _after_commit(room, f"take participant {participant.pk} out", kick)


def close(room: Room) -> None:
    """The session has ended: once that commits, Janus's room is destroyed with everyone in
    it. Call it inside the transaction."""
    if room.media == Media.SFU:
        _after_commit(
            room,
            "destroy the room",
            lambda admin, room_id, secret: admin.destroy_room(room_id=room_id, secret=secret),
        )


def mute(room: Room, target: Participant) -> None:
    """The host's mute, done by Janus: the target's sound stops reaching anyone, whatever
    their page does. Call it inside the transaction."""
    if room.media != Media.SFU or target.sfu_feed is None or not target.sfu_audio_mid:
        return
    feed, mid = target.sfu_feed, target.sfu_audio_mid
    _after_commit(
        room,
        f"mute feed {feed}",
        lambda admin, room_id, secret: admin.moderate(
            room_id=room_id, secret=secret, feed_id=feed, mid=mid, mute=True
        ),
    )


@logged
def room_spotlight(*, actor: User, session_id: int, participant_id: int | None) -> Room:
    """The host puts one learner where every learner sees them (or nobody, with None)."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        target = None if participant_id is None else target_of(room, participant_id)
        if target is not None and target.presence != Presence.ADMITTED:
            raise PermissionDenied("Only someone in the room can be in the spotlight.")
        room.spotlight = target
        room.save(update_fields=["spotlight"])
        event(room, "spotlight", participant=target, by=host)
        broadcast.room_changed(room.pk)
    return room


@logged
def room_learners_see_each_other(*, actor: User, session_id: int, allowed: bool) -> Room:
    """By default learners see only the staff and the spotlight; the host may let them see
    each other."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        if room.learners_see_each_other != allowed:
            room.learners_see_each_other = allowed
            room.save(update_fields=["learners_see_each_other"])
            event(room, "learners_see_each_other", by=host, allowed=allowed)
            broadcast.room_changed(room.pk)
    return room


def visible_to(me: Participant, room: Room, everyone: list[Participant]) -> set[int] | None:
    """Whose media ``me`` receives in the class layout: the staff everyone; a learner or a
    parent or carer the staff, the spotlight, and each other only if the host allows it (in a
    webinar only presenters send). None means everyone."""
    if me.role == Invitation.Role.STAFF:
        return None
    seen = {p.pk for p in everyone if p.role == Invitation.Role.STAFF}
    if room.spotlight_id is not None:
        seen.add(room.spotlight_id)
    if room.learners_see_each_other:
        seen.update(p.pk for p in everyone)
    seen.discard(me.pk)
    return seen
