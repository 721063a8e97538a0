"""Chat screening in the room (ORG-5, INC-1): a message graded 4 or 5, sent through the real
consumer, never reaches the others; the staff's connections alone are told it was held, the
sender is told kindly, and the DSL gets a concern with the message and the chat before it,
with the usual alert. A message graded 2 or 3 is relayed and its screening kept."""

import json

import pytest
from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, ConcernKind
from chaperon.core.models import EmailDelivery
from chaperon.people.roles import Role
from chaperon.rooms import services
from chaperon.rooms.log_words import log_lines
from chaperon.rooms.models import RoomEvent
from chaperon.rooms.services.holding import NOT_SENT
from chaperon.sessions.models import Invitation
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import (
    booked,
    communicator,
    entry_cookie,
    host_in,
    invitation,
    learner_waiting_in,
    let_in,
    run_async,
    staff_cookie,
    state,
    until,
)

pytestmark = [pytest.mark.clause("ORG-5"), pytest.mark.clause("INC-1")]

HELD = "add me on snap and don't tell anyone"  # grooming signs, graded 5
FLAGGED = "ur so ugly"  # bullying, graded 3


def _chat(text: str) -> str:
    return json.dumps({"type": "chat", "text": text})


def _group(cast: Cast):
    second = factories.learner(cast.organisation, first_name="Alex", last_name="Birch")
    factories.guardian(cast.organisation, of=second, full_name="Jo Birch")
    session = booked(cast, kind="group", learners=[cast.learner, second])
    cookies = [
        entry_cookie(invitation(session, Invitation.Role.LEARNER, learner.pk))
        for learner in (cast.learner, second)
    ]
    return session, cookies


async def _in_room(session, host_cookie: str, cookies: list[str]):
    """The host, then everyone of ``cookies`` admitted by the host, in that order."""
    host = communicator(session, host_cookie)
    assert (await host.connect())[0]
    await until(host, state(lambda m: m["me"]["host"]))
    return host, [(await let_in(session, host, cookie))[0] for cookie in cookies]


async def _until_chat(ws, text: str, seen: list[dict]) -> None:
    """Read ``ws`` until the chat message ``text`` arrives, keeping all it received."""

    def is_it(message: dict) -> bool:
        seen.append(message)
        return message["type"] == "chat" and message["text"] == text

    await until(ws, is_it)


@pytest.mark.django_db(transaction=True)
def test_a_grade_five_message_is_held_and_goes_to_the_dsl(cast: Cast) -> None:
    session, (robin_cookie, alex_cookie) = _group(cast)

    async def scenario() -> tuple[list[dict], dict, dict, dict, list[dict]]:
        host, (colleague, robin, alex) = await _in_room(
            session,
            staff_cookie(cast.teacher),
            [
                staff_cookie(cast.teacher2),
                robin_cookie,
                alex_cookie,
            ],
        )
        seen_by_alex: list[dict] = []
        seen_by_robin: list[dict] = []
        for text in ("hi everyone", "what page are we on?"):
            await robin.send_to(text_data=_chat(text))
            await _until_chat(alex, text, seen_by_alex)
        await alex.send_to(text_data=_chat("page twelve"))
        await _until_chat(alex, "page twelve", seen_by_alex)
        await robin.send_to(text_data=_chat(HELD))
        told = await until(robin, lambda m: m["type"] == "chat-not-sent")
        held = await until(host, lambda m: m["type"] == "chat-held")
        # The second adult in the room is told as well as the host.
        held_for_colleague = await until(colleague, lambda m: m["type"] == "chat-held")
        # What Alex receives is in order: once the next message comes, the held one never will.
        await robin.send_to(text_data=_chat("ok"))
        await _until_chat(alex, "ok", seen_by_alex)
        await _until_chat(robin, "ok", seen_by_robin)
        for ws in (host, colleague, robin, alex):
            await ws.disconnect()
        return seen_by_alex, told, held, held_for_colleague, seen_by_robin

    seen_by_alex, told, held, held_for_colleague, seen_by_robin = run_async(scenario)
    assert held_for_colleague == held
    assert not any(m.get("text") == HELD for m in seen_by_alex + seen_by_robin)
    assert not any(m["type"] == "chat-held" for m in seen_by_alex + seen_by_robin)
    assert told["message"] == NOT_SENT
    assert "not sent" in told["message"] and "member of staff will see it" in told["message"]
    assert held["name"] == "Robin Alder" and held["grade"] == 5
    assert [c["category"] for c in held["categories"]] == ["grooming"]
    assert "text" not in held  # the host hears who and why; the words go to the DSL

    kept = RoomEvent.objects.get(kind="chat_held")
    assert kept.text == HELD and kept.participant and kept.participant.display_name == "Robin Alder"
    assert kept.data["screening"]["grade"] == 5
    assert not RoomEvent.objects.filter(kind="chat", text=HELD).exists()

    concern = Concern.objects.get(source="screening")
    assert concern.session_id == session.pk and concern.learner_id == cast.learner.pk
    assert concern.kind == ConcernKind.CONCERN and "grooming" in concern.types
    assert concern.raised_by is None and concern.reporter_name == "Chat screening"
    assert kept.data["concern"] == concern.reference
    description = concern.description
    assert HELD in description and "screened grade 5 of 5: grooming signs" in description
    order = [description.index(text) for text in ("hi everyone", "what page are we on?")]
    assert order == sorted(order) and description.index("page twelve") > order[-1]
    assert description.index("The message:") < description.index(HELD)
    assert "Alex Birch: page twelve" in description

    # The DSL's usual alert for a new concern, and the audit log beside the room's own.
    told_by_email = EmailDelivery.objects.filter(purpose="concern_alert").values_list(
        "to", flat=True
    )
    assert cast.dsl.email in told_by_email
    assert concern.entries.filter(kind="alerted").exists()
    raised = AuditEvent.objects.get(action=AuditAction.CONCERN_RAISED, object_id=str(concern.pk))
    assert raised.actor_label == "Chat screening"
    audited = json.loads(AuditEvent.objects.get(action=AuditAction.ROOM_CHAT_HELD).data)
    assert audited["grade"] == 5 and audited["categories"] == ["grooming"]
    assert audited["concern"] == concern.pk and audited["message"] == kept.pk
    assert set(audited) == {"participant", "message", "grade", "categories", "concern"}


@pytest.mark.django_db(transaction=True)
def test_a_grade_two_or_three_message_is_relayed_and_its_screening_kept(cast: Cast) -> None:
    session, (robin_cookie, alex_cookie) = _group(cast)

    async def scenario() -> list[dict]:
        host, (robin, alex) = await _in_room(
            session,
            staff_cookie(cast.teacher),
            [
                robin_cookie,
                alex_cookie,
            ],
        )
        seen: list[dict] = []
        await robin.send_to(text_data=_chat(FLAGGED))
        await _until_chat(alex, FLAGGED, seen)
        await _until_chat(host, FLAGGED, [])
        for ws in (host, robin, alex):
            await ws.disconnect()
        return seen

    seen = run_async(scenario)
    assert seen[-1]["text"] == FLAGGED and seen[-1]["name"] == "Robin Alder"
    message = RoomEvent.objects.get(kind="chat", text=FLAGGED)
    screening = message.data["screening"]
    assert screening["grade"] == 3
    assert [hit["category"] for hit in screening["categories"]] == ["bullying"]
    assert not Concern.objects.exists()
    assert not RoomEvent.objects.filter(kind="chat_held").exists()
    flagged = AuditEvent.objects.get(action=AuditAction.ROOM_CHAT_FLAGGED)
    assert json.loads(flagged.data) == {
        "participant": message.participant_id,
        "message": message.pk,
        "grade": 3,
        "categories": ["bullying"],
    }
    [line] = [line for line in log_lines(RoomEvent.objects.all()) if line.what == "Chat"]
    assert line.details.startswith(FLAGGED + "; screened grade 3 of 5: bullying (")


@pytest.mark.django_db
def test_an_ordinary_message_is_kept_with_a_clean_screening(cast: Cast) -> None:
    session = booked(cast)
    host = host_in(session, cast)
    message = services.room_chat(participant_id=host.pk, text="can we meet at the library")
    assert message.kind == "chat"
    assert message.data["screening"] == {"grade": 1, "categories": []}
    assert not AuditEvent.objects.filter(
        action__in=[AuditAction.ROOM_CHAT_FLAGGED, AuditAction.ROOM_CHAT_HELD]
    ).exists()


@pytest.mark.django_db
def test_a_held_message_from_staff_is_an_allegation_and_one_from_a_learner_names_them(
    cast: Cast,
) -> None:
    session = booked(cast)
    host = host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=learner.pk)
    services.room_chat(participant_id=learner.pk, text="hello")
    held = services.room_chat(participant_id=host.pk, text="this is our little secret ok")
    assert held.kind == "chat_held"
    allegation = Concern.objects.get()
    assert allegation.kind == ConcernKind.ALLEGATION
    assert allegation.subject_staff_id == cast.teacher.pk and allegation.learner_id is None
    assert "Robin Alder: hello" in allegation.description
    services.room_chat(participant_id=learner.pk, text="i want to kill myself")
    about_robin = Concern.objects.exclude(pk=allegation.pk).get()
    assert about_robin.learner_id == cast.learner.pk and "self_harm" in about_robin.types
    # The earlier held message is in the context, marked as held.
    assert "(held back): this is our little secret ok" in about_robin.description
    lines = [line for line in log_lines(RoomEvent.objects.all()) if line.what.startswith("Chat")]
    assert [line.what for line in lines] == [
        "Chat",
        "Chat held back by the screening: not sent",
        "Chat held back by the screening: not sent",
    ]
    assert f"concern {about_robin.reference} raised" in lines[-1].details
    # The DSL reads it as any other concern, raised by the chat screening.
    page = signed_in(cast.dsl).get(reverse("concerns:detail", args=[about_robin.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chat screening" in html and "i want to kill myself" in html


@pytest.mark.django_db
def test_the_monitoring_report_counts_screened_messages_by_category_and_grade(
    cast: Cast,
) -> None:
    session = booked(cast)
    host = host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=learner.pk)
    for text in ("hello", "ur so ugly", "nobody likes you", "kys", "what page?"):
        services.room_chat(participant_id=learner.pk, text=text)
    services.room_chat(participant_id=host.pk, text="let's keep this kind, please")

    page = signed_in(cast.dsl).get("/governance/filtering/")
    assert page.status_code == 200
    counts = page.context["screening"]
    assert counts.screened == 6 and counts.held == 1
    assert dict(counts.by_category)["bullying"] == [0, 2, 0, 1]
    assert sum(sum(row) for _, row in counts.by_category) == 3
    html = page.content.decode()
    assert "6 messages screened, 1 held back" in html
    assert "kys" not in html and "Robin Alder" not in html  # counts only, nobody named

    # Another organisation's DSL sees none of it; a teacher may not read the report.
    outsider_dsl = factories.staff(cast.other_organisation, Role.DSL)
    elsewhere = signed_in(outsider_dsl).get("/governance/filtering/").context["screening"]
    assert elsewhere.screened == 0 and elsewhere.held == 0
    assert signed_in(cast.teacher).get("/governance/filtering/").status_code == 403
