"""Building blocks for room tests: a session booked and prepared, entries through the join
link, an ASGI server with WebSockets, and WebSocket clients for the consumer."""

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

import uvicorn
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from chaperon.consent.services.agreements import staff_recording_consent_answer
from chaperon.people.models import Learner, User
from chaperon.policy.selectors import organisation_policy_document, policy_as_yaml
from chaperon.policy.services import organisation_policy_save
from chaperon.rooms import services as room_services
from chaperon.rooms.devices import DEVICE_COOKIE, device_hash
from chaperon.rooms.models import Participant
from chaperon.rooms.permissions import ENTRIES_KEY, Entrant
from chaperon.sessions import services
from chaperon.sessions.attendance import PreCallResults
from chaperon.sessions.invitations import join_token
from chaperon.sessions.models import Invitation, Session
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, group, one_to_one

ORIGIN = (b"origin", b"http://127.0.0.1")


def with_email(learner: Learner) -> Learner:
    learner.email = f"{learner.first_name.lower()}.{learner.pk}@pupils.example"
    learner.save(update_fields=["email"])
    return learner


def booked(
    cast: Cast,
    *,
    kind: str = "one_to_one",
    learners: Sequence[Learner] = (),
    recording: bool = False,
    prepared: bool = True,
    own_links: bool = True,
    checked: bool = True,
    **changes: Any,
) -> Session:
    """A session booked by the teacher (and prepared), everyone invited, learners with an
    email address so that they get their own join link (without ``own_links`` they have
    none, and join on a parent's or carer's link), and its staff having done the pre-call
    check that lets them into its room (SES-14; not without ``checked``)."""
    chosen = list(learners) or [cast.learner]
    for learner in chosen:
        if own_links:
            with_email(learner)
        consent_for(learner, cast.dsl, recording=recording)
    if recording:
        changes.update(recording_enabled=True, recording_purpose="Reviewing the coaching")
    proposal = (
        one_to_one(cast, learners=chosen, **changes)
        if kind == "one_to_one"
        else group(cast, chosen, **changes)
    )
    if recording:
        for user in proposal.staff:
            staff_recording_consent_answer(actor=user, answer="given")
    result = services.session_book(actor=cast.teacher, proposal=proposal, title="Careers chat")
    assert result.session is not None and result.booked, result.verdict.to_dict()
    session = result.session
    if prepared:
        services.session_prepare(
            actor=cast.teacher,
            session=session,
            risk_assessment="Known to the service; no current concerns.",
            conversation_plan="Options after year 11.",
            crisis_plan="Call the DSL on the school line; 999 in danger.",
        )
    if checked:
        for user in proposal.staff:
            pre_call_checked(user, session)
    return session


def invitation(session: Session, role: str, person_id: int) -> Invitation:
    return Invitation.objects.get(session=session, role=role, person_id=person_id)


def learner_token(session: Session, learner: Learner) -> str:
    return join_token(invitation(session, Invitation.Role.LEARNER, learner.pk))


def entry_cookie(invitation: Invitation) -> str:
    """A browser session that has entered the invitation's passcode."""
    store = SessionStore()
    store[ENTRIES_KEY] = {str(invitation.session_id): invitation.pk}
    store.create()
    assert store.session_key is not None
    return store.session_key


def pre_call_checked(user: User, session: Session) -> None:
    """``user`` did the pre-call check for ``session`` (SES-14), all found working."""
    room_services.room_pre_call_check(
        actor=user,
        session_id=session.pk,
        results=PreCallResults(
            camera=True,
            microphone=True,
            signalling=True,
            relay="not_configured",
            not_bedroom=True,
            background_appropriate=True,
            applications_closed=True,
        ),
    )


def staff_cookie(user: User) -> str:
    key = signed_in(user).session.session_key
    assert key is not None
    return key


def entered_client(session: Session, learner: Learner) -> Client:
    client = Client()
    token = learner_token(session, learner)
    response = client.post(f"/rooms/enter/{token}/", {"passcode": session.passcode})
    assert response.status_code == 302, response.content
    return client


def device_secret(cookie: str) -> str:
    """The device secret of the browser whose session cookie is ``cookie``."""
    return f"device-of-the-browser-with-{cookie}"


def communicator(
    session: Session, cookie: str | None, *, device: str | None = None
) -> WebsocketCommunicator:
    """A WebSocket client with the browser session ``cookie`` and that browser's device
    secret (another ``device`` stands for the same session cookie on another browser)."""
    from chaperon.asgi import application

    headers = [ORIGIN]
    if cookie:
        secret = device or device_secret(cookie)
        headers.append((b"cookie", f"sessionid={cookie}; {DEVICE_COOKIE}={secret}".encode()))
    return WebsocketCommunicator(application, f"/ws/rooms/{session.pk}/", headers=headers)


async def until(ws: WebsocketCommunicator, test: Any, *, timeout: float = 5) -> dict[str, Any]:
    """The first message from the server for which ``test(message)`` is true."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no such message from the server")
        message = json.loads(await ws.receive_from(timeout=left))
        if test(message):
            return message


def state(predicate: Any = None) -> Any:
    return lambda m: m["type"] == "state" and (predicate is None or predicate(m))


async def let_in(
    session: Session, host: WebsocketCommunicator, cookie: str
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """``cookie``'s connection arrives, waits and is let in by ``host``: it and the state that
    told it it was waiting."""
    arriving = communicator(session, cookie)
    assert (await arriving.connect())[0]
    waiting = await until(arriving, state(lambda m: m["me"]["presence"] == "waiting"))
    await host.send_to(text_data=json.dumps({"type": "admit", "participant": waiting["me"]["id"]}))
    await until(arriving, state(lambda m: m["me"]["presence"] == "admitted"))
    return arriving, waiting


def reset_channel_layer() -> None:
    channel_layers.backends.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def asgi_server() -> Iterator[str]:
    """uvicorn serving Chaperon's ASGI application (HTTP and WebSockets) on loopback, in a
    thread of this process, so it sees the test database and settings."""
    from chaperon.asgi import application

    reset_channel_layer()
    port = free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run_async(scenario: Any) -> Any:
    """Run an async test scenario to its end in a thread of its own (a browser test earlier
    in the run may have left an event loop in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(scenario)).result()


@dataclass
class FakeWriter:
    track_id: int
    chunks: list[bytes] = field(default_factory=list)
    closed: bool = False

    def write(self, data: bytes) -> None:
        self.chunks.append(data)

    def close(self) -> None:
        self.closed = True


class FakeVault:
    """Stands in for the vault (``ROOM_RECORDING_VAULT``, set by the ``vault`` fixture): the
    interface the recorder is written against. The recorder makes one each time it needs the
    vault, so, like Django's in-memory mail outbox, what they are asked is kept on the class
    and read from any of them."""

    begun: ClassVar[list[dict[str, Any]]] = []
    tracks: ClassVar[list[FakeWriter]] = []
    gaps: ClassVar[list[dict[str, Any]]] = []
    finished: ClassVar[list[Any]] = []

    @classmethod
    def forget(cls) -> None:
        cls.begun, cls.tracks, cls.gaps, cls.finished = [], [], [], []

    def Appearance(self, label: str, **ids: Any) -> SimpleNamespace:
        return SimpleNamespace(label=label, **ids)

    def recording(self, recording_id: int) -> SimpleNamespace:
        return SimpleNamespace(pk=recording_id)

    def recording_begin(self, **kwargs: Any) -> SimpleNamespace:
        self.begun.append(kwargs)
        return SimpleNamespace(pk=77)

    def recording_add_appearance(self, **kwargs: Any) -> None: ...

    def track_open(self, **kwargs: Any) -> FakeWriter:
        self.tracks.append(FakeWriter(track_id=len(self.tracks) + 1))
        return self.tracks[-1]

    def track_gap(self, **kwargs: Any) -> None:
        self.gaps.append(kwargs)

    def recording_finish(self, **kwargs: Any) -> None:
        self.finished.append(kwargs)


PHONE = device_hash("the-secret-of-the-phone-that-came-to-the-door")


def host_in(session: Session, cast: Cast) -> Participant:
    return room_services.room_connect(
        entrant=Entrant(session, cast.teacher.full_name, "staff", user=cast.teacher),
        channel_name="",
        device="",
    )


def learner_waiting_in(session: Session, cast: Cast) -> Participant:
    found = invitation(session, Invitation.Role.LEARNER, cast.learner.pk)
    return room_services.room_connect(
        entrant=Entrant(session, found.display_name, "learner", invitation=found),
        channel_name="",
        device=PHONE,
    )


def started(cast: Cast, *, comfortable: bool = True, **booking: Any) -> tuple[Session, Participant]:
    """A 1:1 booked, the host in, the learner admitted and agreed, the session started."""
    session = booked(cast, **booking)
    host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    room_services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=learner.pk)
    room_services.room_agree(participant_id=learner.pk, comfortable_recording=comfortable)
    room_services.room_start(actor=cast.teacher, session_id=session.pk, adult_present=True)
    return session, learner


def host_may_extend(cast: Cast, minutes: int) -> None:
    """The organisation's policy lets the host add ``minutes`` in all without an approver."""
    document = organisation_policy_document(cast.organisation)
    document["host_extension_minutes"] = minutes
    organisation_policy_save(
        actor=cast.dsl, organisation=cast.organisation, text=policy_as_yaml(document)
    )
