"""Telling connections what changed, always after the change has committed."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from chaperon.sessions.models import Invitation, SessionKind

from .models import Participant, Room


def room_group(session_id: int) -> str:
    return f"room-{session_id}"


def watch_group(session_id: int) -> str:
    """The connections that see everyone's comings and goings: all but a webinar's viewers."""
    return f"room-{session_id}-watch"


def sees_comings_and_goings(session_kind: str, role: str) -> bool:
    """A webinar's learners see the presenters and themselves alone (``selectors.room_view``):
    another viewer arriving, being let in, agreeing or leaving changes nothing on their page."""
    return session_kind != SessionKind.WEBINAR or role != Invitation.Role.LEARNER


def _send(target: str, message: dict[str, Any], *, group: bool) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if group:
        async_to_sync(layer.group_send)(target, message)
    else:
        async_to_sync(layer.send)(target, message)


def room_changed(session_id: int) -> None:
    """Every connection of the room recomputes what its person sees."""
    transaction.on_commit(
        lambda: _send(room_group(session_id), {"type": "room.changed"}, group=True)
    )


def person_changed(room: Room, person: Participant) -> None:
    """A change about ``person`` alone (they arrived, were let in, agreed, were refused, left),
    with nothing else in the room changed by it: every connection recomputes what it sees,
    except, in a webinar, the other viewers', whose pages it cannot change. One viewer's
    arrival in a webinar of 300 then costs the staff's views and their own, not 300. A change
    that reaches further (the recording paused) is announced with ``room_changed`` as well."""
    if sees_comings_and_goings(room.session.kind, person.role):
        room_changed(room.pk)
        return
    channel = person.channel_name

    def send() -> None:
        _send(watch_group(room.pk), {"type": "room.changed"}, group=True)
        if channel:
            _send(channel, {"type": "room.changed"}, group=False)

    transaction.on_commit(send)


def room_relay(session_id: int, message: dict[str, Any]) -> None:
    """``message`` goes as it is to every connection of the room whose person is in it."""
    transaction.on_commit(
        lambda: _send(
            room_group(session_id), {"type": "room.relay", "message": message}, group=True
        )
    )


def tell(channel_name: str, message: dict[str, Any], *, close: int | None = None) -> None:
    """``message`` goes to one connection; with ``close``, the connection is then closed."""
    if not channel_name:
        return
    transaction.on_commit(
        lambda: _send(
            channel_name, {"type": "room.tell", "message": message, "close": close}, group=False
        )
    )
