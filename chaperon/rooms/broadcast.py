"""Telling connections what changed, always after the change has committed."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def room_group(session_id: int) -> str:
    return f"room-{session_id}"


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
