"""The room's WebSocket: authenticate the connection, then turn each message into a service
call. Nothing here changes state or decides who may do what; the services do, and they
broadcast after committing. The protocol is in docs/rooms.md."""

import contextlib
import json
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from chaperon.core.exceptions import ChaperonError, PermissionDenied, ValidationFailed

from . import limits, selectors, services, ticker
from .broadcast import room_group, sees_comings_and_goings, watch_group
from .devices import device_of, scope_cookies
from .permissions import entrant_for
from .screening import model as screening_model
from .sfu_bridge import SfuBridge

MAX_TEXT_FRAME = 64 * 1024
MAX_CHUNK = 2 * 1024 * 1024
# Codes the server closes with (docs/rooms.md).
CLOSE_NOT_ALLOWED = 4403
CLOSE_REFUSED = 4423
CLOSE_TOO_MANY = 4429
# Pings the pre-call check's connection answers before it closes.
CHECK_PINGS = 5


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("a yes or no answer is true or false")
    return value


class RoomConsumer(AsyncWebsocketConsumer):
    session_id: int
    participant_id: int | None = None
    sfu: SfuBridge | None = None

    async def connect(self) -> None:
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.holder = services.TrackHolder()
        self.budget = limits.MessageBudget()
        entrant = await database_sync_to_async(entrant_for)(
            user=self.scope.get("user"),
            django_session=self.scope.get("session"),
            session_id=self.session_id,
        )
        if entrant is None:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        await self.accept()
        await self.channel_layer.group_add(room_group(self.session_id), self.channel_name)
        if sees_comings_and_goings(entrant.session.kind, entrant.role):
            await self.channel_layer.group_add(watch_group(self.session_id), self.channel_name)
        try:
            participant = await database_sync_to_async(services.room_connect)(
                entrant=entrant,
                channel_name=self.channel_name,
                device=device_of(scope_cookies(self.scope)),
            )
        except services.RoomRefused as refusal:
            await self._send({"type": "refused", "code": refusal.code, "message": str(refusal)})
            await self.close(code=CLOSE_REFUSED)
            return
        self.participant_id = participant.pk
        self.sfu = SfuBridge(participant.pk, self._send)
        ticker.join(self.session_id)
        screening_model.warm_in_background()  # ready before the first chat message
        await self.send_state()

    async def disconnect(self, code: int) -> None:
        if self.sfu is not None:
            await self.sfu.close()
        if self.participant_id is not None:
            ticker.leave(self.session_id)
        await self.channel_layer.group_discard(room_group(self.session_id), self.channel_name)
        await self.channel_layer.group_discard(watch_group(self.session_id), self.channel_name)
        if self.participant_id is not None:
            await database_sync_to_async(self.holder.close)()
            await database_sync_to_async(services.room_disconnect)(
                participant_id=self.participant_id, channel_name=self.channel_name
            )

    # From the browser ---------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.participant_id is None:
            return
        if not self.budget.take():
            await self._dropped()
            return
        if bytes_data is not None:
            if len(bytes_data) <= MAX_CHUNK:
                await self._chunk(bytes_data)
            return
        if not text_data or len(text_data) > MAX_TEXT_FRAME:
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._send({"type": "error", "message": "Messages are JSON objects."})
            return
        if not isinstance(message, dict):
            return
        kind = str(message.get("type", ""))
        if kind == "ping":  # answered in order with what came before it: a measure of lag
            await self._send({"type": "pong", "id": message.get("id")})
            return
        if kind.startswith("sfu-") and self.sfu is not None:
            await self._sfu_message(kind, message)
            return
        handler = self._handlers().get(kind)
        if handler is None:
            await self._send({"type": "error", "for": kind, "message": f"Unknown type {kind!r}."})
            return
        try:
            await database_sync_to_async(handler)(message)
        except ValidationFailed as error:  # said as sentences: the room has no form fields
            said = " ".join(text[:1].upper() + text[1:] for text in error.errors.values())
            await self._send({"type": "error", "for": kind, "message": said})
        except ChaperonError as error:
            await self._send({"type": "error", "for": kind, "message": str(error)})
        except (KeyError, TypeError, ValueError):
            await self._send({"type": "error", "for": kind, "message": "Malformed message."})

    async def _sfu_message(self, kind: str, message: dict[str, Any]) -> None:
        if self.sfu is None:
            return
        try:
            await self.sfu.message(message)
        except ChaperonError as error:
            await self._send({"type": "error", "for": kind, "message": str(error)})
        except (KeyError, TypeError, ValueError):
            await self._send({"type": "error", "for": kind, "message": "Malformed message."})

    async def _chunk(self, data: bytes) -> None:
        """A media chunk; one refused (not recording, or the recording closed) is said once
        until a chunk is kept again."""
        kept = await database_sync_to_async(services.recording_chunk)(
            participant_id=self._me(), data=data, holder=self.holder
        )
        if kept or self.chunk_refused:
            self.chunk_refused = not kept
            return
        self.chunk_refused = True
        await self._send(
            {
                "type": "error",
                "for": "chunk",
                "message": "The recording is not running, so this video was not kept. "
                "The recording indicator shows when it is.",
            }
        )

    chunk_refused = False

    async def _dropped(self) -> None:
        """Beyond the connection's limit: dropped, said once per run; closed at the bound."""
        if self.budget.dropped == limits.DROPPED_BEFORE_CLOSE:
            await database_sync_to_async(services.room_flooded)(participant_id=self._me())
            await self._send(
                {
                    "type": "error",
                    "code": "too_many",
                    "message": "Too many messages: this connection is closed. "
                    "Reload the page to come back.",
                }
            )
            await self.close(code=CLOSE_TOO_MANY)
        elif not self.budget.exhausted and not self.budget.dropping:
            self.budget.dropping = True
            await self._send(
                {
                    "type": "error",
                    "code": "too_many",
                    "message": "Too many messages: some were dropped. A connection may send "
                    f"{limits.MESSAGES_PER_SECOND} a second.",
                }
            )

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "signal": self._signal,
            "agree": self._agree,
            "chat": lambda m: services.room_chat(
                participant_id=self._me(), text=str(m.get("text", ""))
            ),
            "leave": lambda m: services.room_leave(participant_id=self._me()),
            "share-screen": lambda m: services.room_screen_share(
                participant_id=self._me(), on=bool(m.get("on", True))
            ),
            "rename": self._rename,
            "comfort": lambda m: services.room_comfort_answer(
                participant_id=self._me(),
                learner_id=int(m["learner"]),
                comfortable=_boolean(m["comfortable"]),
            ),
            "ask-comfort": lambda m: services.room_ask_comfort(
                actor=self._user(), session_id=self.session_id, learner_id=int(m["learner"])
            ),
            "admit": self._host_action(services.room_admit),
            "refuse": self._host_action(services.room_refuse),
            "remove": self._host_action(services.room_remove),
            "mute": self._host_action(services.room_mute),
            "spotlight": lambda m: services.room_spotlight(
                actor=self._user(),
                session_id=self.session_id,
                participant_id=None if m.get("participant") is None else int(m["participant"]),
            ),
            "learners-see-each-other": lambda m: services.room_learners_see_each_other(
                actor=self._user(), session_id=self.session_id, allowed=_boolean(m["allowed"])
            ),
            "lock": lambda m: services.room_lock(
                actor=self._user(), session_id=self.session_id, locked=bool(m.get("locked", True))
            ),
            "start": lambda m: services.room_start(
                actor=self._user(),
                session_id=self.session_id,
                adult_present=m.get("adult_present") is True,
            ),
            "extend": lambda m: services.room_extend(
                actor=self._user(),
                session_id=self.session_id,
                minutes=int(m["minutes"]),
                reason=str(m.get("reason", "")),
            ),
            "end": lambda m: services.room_end(
                actor=self._user(), session_id=self.session_id, reason="host"
            ),
            "record": lambda m: (
                services.recording_start if m.get("on", True) else services.recording_stop
            )(actor=self._user(), session_id=self.session_id),
        }

    def _me(self) -> int:
        if self.participant_id is None:
            raise PermissionDenied("Not in the room.")
        return self.participant_id

    def _user(self) -> Any:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            raise PermissionDenied("Only the host can do this.")
        return user

    def _host_action(self, service: Callable[..., Any]) -> Callable[[dict[str, Any]], Any]:
        return lambda m: service(
            actor=self._user(), session_id=self.session_id, participant_id=int(m["participant"])
        )

    def _agree(self, message: dict[str, Any]) -> None:
        comfortable = message.get("comfortable_recording")
        services.room_agree(
            participant_id=self._me(),
            comfortable_recording=comfortable if isinstance(comfortable, bool) else None,
        )

    def _rename(self, message: dict[str, Any]) -> None:
        raise PermissionDenied("Names come from the invitation and cannot be changed here.")

    def _signal(self, message: dict[str, Any]) -> None:
        payload: dict[str, Any] = {
            key: message[key] for key in ("description", "candidate", "tracks") if key in message
        }
        channel = services.signal_target(
            participant_id=self._me(), to=int(message["to"]), payload=payload
        )
        async_to_sync(self.channel_layer.send)(
            channel,
            {"type": "room.tell", "message": {"type": "signal", "from": self._me(), **payload}},
        )

    # From the services ----------------------------------------------------------------------------

    async def room_changed(self, event: dict[str, Any]) -> None:
        await self.send_state()

    async def room_relay(self, event: dict[str, Any]) -> None:
        if self.participant_id is not None and self._admitted:
            await self._send(event["message"])

    async def room_tell(self, event: dict[str, Any]) -> None:
        await self._send(event["message"])
        if event.get("close"):
            await self.close(code=event["close"])

    async def send_state(self) -> None:
        if self.participant_id is None:
            return
        view = await database_sync_to_async(selectors.room_view)(participant_id=self.participant_id)
        self._admitted = view["me"]["presence"] == "admitted"
        if view["room"]["recording"] != "on" or not view["me"]["in_call"]:
            await database_sync_to_async(self.holder.close)()
        await self._send(view)
        if self.sfu is not None:
            self.sfu.update(view)

    _admitted = False

    async def _send(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(message))

    # A browser may go while what it sent last (a "leave", a chat message) is still being
    # handled: the ASGI server then refuses to send to it, raising an OSError. Were that to end
    # the consumer, what is still queued (the disconnect itself) would never be handled and the
    # person would stay in the room, connected, for everyone to see. So nothing more is sent,
    # and the consumer carries on to the disconnect.
    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        with contextlib.suppress(OSError):
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        with contextlib.suppress(OSError):
            await super().close(code=code, reason=reason)


class CheckConsumer(AsyncWebsocketConsumer):
    """The pre-call check's test of the room's server (SES-14): the session's staff connect,
    send a ``ping`` and get its ``pong``, through the same route and server as the room,
    without coming into the room."""

    async def connect(self) -> None:
        entrant = await database_sync_to_async(entrant_for)(
            user=self.scope.get("user"),
            django_session=self.scope.get("session"),
            session_id=int(self.scope["url_route"]["kwargs"]["session_id"]),
        )
        if entrant is None or entrant.user is None:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        await self.accept()

    answered = 0

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A ``ping`` gets its ``pong``; a check needs one, so a few are answered, then the
        connection is closed."""
        try:
            message = json.loads(text_data or "") if len(text_data or "") <= 1024 else None
        except ValueError:
            message = None
        if isinstance(message, dict) and message.get("type") == "ping":
            self.answered += 1
            await self.send(text_data=json.dumps({"type": "pong"}))
        if self.answered >= CHECK_PINGS:
            await self.close(code=1000)
