"""Meeting records (LOG-1, LOG-2): writing one with its actions, the errors that name the field
and the fix, amendments that keep history, who may read and write, and the room's attendance."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.policy.models import ApprovedPlatform
from chaperon.records.models import MeetingAction, MeetingRecord, MeetingRecordAmendment
from chaperon.records.services import (
    ActionInput,
    meeting_record_amend,
    meeting_record_write,
    record_is_intact,
)
from chaperon.sessions import services
from chaperon.sessions.attendance import attendance_joined, attendance_left
from chaperon.sessions.models import Session
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import one_to_one

from .helpers import (
    SUMMARY,
    audit_since,
    ended_session,
    last_seq,
    set_line_manager,
    written,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-1")]

EVERYONE = ["anonymous", "dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin"]
EVERYONE += ["outsider"]
READERS = {"dsl", "deputy", "teacher"}


def _client(cast: Cast, name: str) -> Client:
    return Client() if name == "anonymous" else signed_in(cast.user(name))


def _form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "method": "chaperon_room",
        "summary": SUMMARY,
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Send the open evening details",
        "actions-0-owner_name": "Morgan Alder",
        "actions-0-due_on": (date.today() + timedelta(days=7)).isoformat(),
    }
    form.update(changes)
    return form


# Writing ---------------------------------------------------------------------------------------


def test_the_host_writes_the_record_with_its_actions_and_it_is_audited(cast: Cast) -> None:
    session = ended_session(cast)
    since = last_seq()
    due = date.today() + timedelta(days=7)
    meeting_record = meeting_record_write(
        actor=cast.teacher,
        session=session,
        method="phone",
        summary=f"  {SUMMARY}  ",
        actions=[
            ActionInput(
                description="Send the open evening details", owner=cast.teacher, due_on=due
            ),
            ActionInput(description=""),  # a blank row is dropped
            ActionInput(description="Book a college visit", owner_name="Morgan Alder", due_on=due),
        ],
    )
    assert (meeting_record.method, meeting_record.summary) == ("phone", SUMMARY)
    assert meeting_record.written_by == cast.teacher
    actions = list(MeetingAction.objects.filter(record=meeting_record))
    assert [(a.position, a.owner_label, a.due_on) for a in actions] == [
        (1, "Terry Finch", due),
        (2, "Morgan Alder", due),
    ]
    [event] = audit_since(since)
    assert event.action == AuditAction.MEETING_RECORD_WRITTEN
    assert event.actor_id == cast.teacher.pk
    assert event.details["actions"] == 2
    assert event.details["digest"] == meeting_record.digest
    assert record_is_intact(meeting_record)


def test_writing_through_the_page(cast: Cast) -> None:
    session = ended_session(cast)
    response = signed_in(cast.teacher).post(f"/sessions/{session.pk}/record/write/", _form())
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/record/"
    meeting_record = MeetingRecord.objects.get(session=session)
    [action] = meeting_record.actions.all()
    assert action.owner_name == "Morgan Alder" and action.owner is None


def test_add_another_action_adds_a_row_and_saves_nothing(cast: Cast) -> None:
    session = ended_session(cast)
    response = signed_in(cast.teacher).post(
        f"/sessions/{session.pk}/record/write/", {**_form(), "add_action": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Action 2</legend>" in body and 'name="actions-1-description"' in body
    assert not MeetingRecord.objects.exists()


@pytest.mark.parametrize(
    ("action", "field", "fix"),
    [
        (
            ActionInput(description="Send details", due_on=date.today()),
            "actions.0.owner",
            "action 1: choose who will do it (a member of staff), or type the name of someone else",
        ),
        (
            ActionInput(description="Send details", owner_name="Morgan Alder"),
            "actions.0.due_on",
            "action 1: give the date it is due",
        ),
        (
            ActionInput(description="", owner_name="Morgan Alder", due_on=date.today()),
            "actions.0.description",
            "action 1: say what is to be done",
        ),
    ],
)
def test_an_incomplete_action_is_refused_naming_the_field_and_the_fix(
    cast: Cast, action: ActionInput, field: str, fix: str
) -> None:
    session = ended_session(cast)
    since = last_seq()
    with pytest.raises(ValidationFailed) as refused:
        meeting_record_write(
            actor=cast.teacher, session=session, method="phone", summary=SUMMARY, actions=[action]
        )
    assert refused.value.errors == {field: fix}
    assert not MeetingRecord.objects.exists() and audit_since(since) == []


def test_other_errors_name_the_field_and_the_fix(cast: Cast) -> None:
    session = ended_session(cast)
    with pytest.raises(ValidationFailed) as refused:
        meeting_record_write(actor=cast.teacher, session=session, method="", summary=" ")
    assert refused.value.errors["method"].startswith("choose how the session was delivered")
    assert refused.value.errors["summary"].startswith("summarise what was discussed")
    ApprovedPlatform.objects.create(
        organisation=cast.organisation,
        key="meetly",
        name="Meetly",
        risk_assessed_on=date.today(),
        risk_assessment="Assessed.",
    )
    with pytest.raises(ValidationFailed) as refused:
        meeting_record_write(
            actor=cast.teacher,
            session=session,
            method="approved_platform",
            platform_name="Chatterbox",
            summary=SUMMARY,
        )
    assert refused.value.errors == {
        "platform_name": "name the approved platform used: one of Meetly"
    }
    assert not MeetingRecord.objects.exists()


def test_the_page_shows_each_error_on_its_field(cast: Cast) -> None:
    session = ended_session(cast)
    response = signed_in(cast.teacher).post(
        f"/sessions/{session.pk}/record/write/",
        _form(**{"actions-0-owner_name": "", "actions-0-due_on": ""}),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_actions-0-owner_q"' in body
    assert "action 1: give the date it is due" in body
    assert not MeetingRecord.objects.exists()


def test_a_record_is_written_once_only_after_the_session_has_ended(cast: Cast) -> None:
    session = ended_session(cast)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Later")
    assert result.session is not None
    with pytest.raises(ValidationFailed) as refused:
        written(cast, result.session)
    assert "once the session has ended" in refused.value.errors["session"]

    written(cast, session)
    with pytest.raises(ValidationFailed) as refused:
        written(cast, session)
    assert refused.value.errors == {
        "session": "the record is already written: amend it, giving a reason"
    }
    assert MeetingRecord.objects.count() == 1


def test_a_cancelled_session_has_no_record(cast: Cast) -> None:
    session = ended_session(cast)
    Session.objects.filter(pk=session.pk).update(status="cancelled")
    session.refresh_from_db()
    with pytest.raises(ValidationFailed):
        written(cast, session)
    response = signed_in(cast.teacher).get(f"/sessions/{session.pk}/record/write/")
    assert "was cancelled" in response.content.decode()
    assert not MeetingRecord.objects.exists()


# Amending --------------------------------------------------------------------------------------


@pytest.mark.clause("LOG-2")
def test_an_amendment_keeps_what_the_record_said_and_why(cast: Cast) -> None:
    session = ended_session(cast)
    meeting_record = written(cast, session)
    first_digest = meeting_record.digest
    since = last_seq()
    with pytest.raises(ValidationFailed) as refused:
        meeting_record_amend(
            actor=cast.teacher,
            meeting_record=meeting_record,
            method="phone",
            summary=SUMMARY,
            reason="",
        )
    assert refused.value.errors["reason"].startswith("say why the record is being changed")
    assert audit_since(since) == []

    amendment = meeting_record_amend(
        actor=cast.dsl,
        meeting_record=meeting_record,
        method="phone",
        summary=SUMMARY,
        reason="It was a phone call: the room failed",
    )
    assert amendment is not None and amendment.number == 1
    assert amendment.before["method"] == "chaperon_room" and amendment.after["method"] == "phone"
    assert amendment.before["actions"][0]["description"] == "Send the open evening details"
    assert amendment.after["actions"] == []
    meeting_record.refresh_from_db()
    assert meeting_record.method == "phone" and meeting_record.digest != first_digest
    [event] = audit_since(since)
    assert event.action == AuditAction.MEETING_RECORD_AMENDED
    assert event.reason == "It was a phone call: the room failed"
    assert event.details["changed"] == ["actions", "method"]
    assert event.details["digest"] == meeting_record.digest

    # The same content again is no amendment at all.
    assert (
        meeting_record_amend(
            actor=cast.teacher,
            meeting_record=meeting_record,
            method="phone",
            summary=SUMMARY,
            reason="x",
        )
        is None
    )
    assert MeetingRecordAmendment.objects.count() == 1

    body = signed_in(cast.teacher).get(f"/sessions/{session.pk}/record/").content.decode()
    assert "It was a phone call: the room failed" in body
    assert "Delivered by: Chaperon room" in body  # what it said before


@pytest.mark.clause("LOG-2")
def test_a_change_made_behind_the_products_back_shows(cast: Cast) -> None:
    session = ended_session(cast)
    meeting_record = written(cast, session)
    MeetingRecord.objects.filter(pk=meeting_record.pk).update(summary="Nothing of note.")
    meeting_record.refresh_from_db()
    assert not record_is_intact(meeting_record)
    body = signed_in(cast.dsl).get(f"/sessions/{session.pk}/record/").content.decode()
    assert "This record has been changed outside Chaperon" in body


@pytest.mark.clause("LOG-2")
@pytest.mark.parametrize("name", ["slt", "teacher2", "ict", "board", "admin", "outsider"])
def test_only_the_host_and_safeguarding_leads_amend(cast: Cast, name: str) -> None:
    session = ended_session(cast)
    meeting_record = written(cast, session)
    since = last_seq()
    with pytest.raises(NotFound):  # they may not read it, so for them there is none
        meeting_record_amend(
            actor=cast.user(name),
            meeting_record=meeting_record,
            method="phone",
            summary="Changed",
            reason="x",
        )
    response = signed_in(cast.user(name)).post(
        f"/sessions/{session.pk}/record/amend/", {**_form(summary="Changed"), "reason": "x"}
    )
    assert response.status_code == 404
    meeting_record.refresh_from_db()
    assert meeting_record.summary == SUMMARY and meeting_record.amended_at is None
    assert not MeetingRecordAmendment.objects.exists()
    assert audit_since(since) == []


# Who may read and write (LOG-2) ----------------------------------------------------------------


@pytest.mark.clause("LOG-2")
@pytest.mark.parametrize("name", EVERYONE)
def test_reading_a_record_is_for_those_who_need_it_and_every_read_is_audited(
    cast: Cast, name: str
) -> None:
    session = ended_session(cast)
    meeting_record = written(cast, session)
    since = last_seq()
    response = _client(cast, name).get(f"/sessions/{session.pk}/record/")
    if name == "anonymous":
        assert response.status_code == 302 and "/accounts/" in response["Location"]
    else:
        assert response.status_code == (200 if name in READERS else 404)
    body = response.content.decode()
    assert (SUMMARY in body) == (name in READERS)
    events = audit_since(since)
    if name in READERS:
        [event] = events
        assert event.action == AuditAction.MEETING_RECORD_VIEWED
        assert (event.actor_id, event.object_id) == (cast.user(name).pk, str(meeting_record.pk))
    else:
        assert events == []


@pytest.mark.clause("LOG-2")
def test_the_hosts_line_manager_and_the_sessions_other_staff_read_it(cast: Cast) -> None:
    session = ended_session(cast, kind="group")
    written(cast, session)
    assert signed_in(cast.slt).get(f"/sessions/{session.pk}/record/").status_code == 404
    set_line_manager(cast.teacher, cast.slt)
    assert signed_in(cast.slt).get(f"/sessions/{session.pk}/record/").status_code == 200
    assert signed_in(cast.teacher2).get(f"/sessions/{session.pk}/record/").status_code == 200
    viewers = set(
        AuditEvent.objects.filter(action=AuditAction.MEETING_RECORD_VIEWED).values_list(
            "actor_id", flat=True
        )
    )
    assert viewers == {cast.slt.pk, cast.teacher2.pk}


@pytest.mark.clause("LOG-2")
@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_host_writes_the_record(cast: Cast, name: str) -> None:
    session = ended_session(cast)
    since = last_seq()
    response = _client(cast, name).post(f"/sessions/{session.pk}/record/write/", _form())
    if name == "teacher":
        assert response.status_code == 302
        assert MeetingRecord.objects.filter(session=session).exists()
        return
    if name == "anonymous":
        assert response.status_code == 302 and "/accounts/" in response["Location"]
    else:
        # Those who may read it are refused; to everyone else there is no such record.
        assert response.status_code == (403 if name in READERS else 404)
        with pytest.raises(PermissionDenied if name in READERS else NotFound):
            written_by(cast, name, session)
    assert not MeetingRecord.objects.exists()
    assert not MeetingAction.objects.exists()
    assert audit_since(since) == []


def written_by(cast: Cast, name: str, session: Session) -> None:
    meeting_record_write(actor=cast.user(name), session=session, method="phone", summary=SUMMARY)


# The session page and the dashboard ---------------------------------------------------------------


def test_the_session_page_links_to_the_record(cast: Cast) -> None:
    session = ended_session(cast)
    body = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/record/write/"' in body
    assert "Write the meeting record" in body
    body = signed_in(cast.dsl).get(f"/sessions/{session.pk}/").content.decode()
    assert "Write the meeting record" not in body and "Not written yet" in body
    body = signed_in(cast.slt).get(f"/sessions/{session.pk}/").content.decode()
    assert "Meeting record" not in body  # oversees sessions, but does not read their records

    written(cast, session)
    for user in (cast.teacher, cast.dsl):
        body = signed_in(user).get(f"/sessions/{session.pk}/").content.decode()
        assert f'href="/sessions/{session.pk}/record/"' in body
        assert "Read the meeting record" in body


def test_a_session_not_yet_over_has_no_record_link(cast: Cast) -> None:
    from tests.sessions.helpers import consent_for

    consent_for(cast.learner, cast.dsl)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Later")
    assert result.session is not None
    body = signed_in(cast.teacher).get(f"/sessions/{result.session.pk}/").content.decode()
    assert "Meeting record" not in body


def test_the_hosts_dashboard_lists_records_due(cast: Cast) -> None:
    session = ended_session(cast)
    body = signed_in(cast.teacher).get("/dashboard/").content.decode()
    assert "Meeting records to write" in body
    assert f'href="/sessions/{session.pk}/record/write/"' in body
    assert "Meeting records to write" not in signed_in(cast.dsl).get("/dashboard/").content.decode()
    written(cast, session)
    body = signed_in(cast.teacher).get("/dashboard/").content.decode()
    assert "Meeting records to write" not in body


# Attendance ------------------------------------------------------------------------------------


def test_the_record_shows_the_rooms_stays(cast: Cast) -> None:
    session = ended_session(cast)
    came = session.start + timedelta(minutes=2)
    host = attendance_joined(
        session=session,
        display_name="Terry Finch",
        role="staff",
        at=session.start,
        user=cast.teacher,
    )
    first = attendance_joined(session=session, display_name="Robin Alder", role="learner", at=came)
    attendance_left(stay_id=first.pk, at=came + timedelta(minutes=10))
    attendance_joined(
        session=session, display_name="Robin Alder", role="learner", at=came + timedelta(minutes=12)
    )
    attendance_left(stay_id=host.pk, at=session.end)
    written(cast, session)
    body = signed_in(cast.dsl).get(f"/sessions/{session.pk}/record/").content.decode()
    local = timezone.localtime
    zone = cast.organisation.zone
    assert body.count('<th scope="row">Robin Alder</th>') == 2  # left and came back: two stays
    for moment in (came, came + timedelta(minutes=10), came + timedelta(minutes=12), session.end):
        assert local(moment, zone).strftime("%H:%M") in body
    assert "Did not leave before the room closed" in body
    assert "Not recorded by the room" not in body


def test_without_the_room_everyone_invited_is_listed_as_not_recorded(cast: Cast) -> None:
    session = ended_session(cast)
    body = signed_in(cast.teacher).get(f"/sessions/{session.pk}/record/write/").content.decode()
    assert "The room did not record this session" in body
    for name in ("Terry Finch", "Robin Alder", "Morgan Alder"):
        assert f'<th scope="row">{name}</th>' in body
    assert body.count("Not recorded by the room") == 3


@pytest.mark.clause("LOG-2")
def test_amending_through_the_page_needs_a_reason(cast: Cast) -> None:
    session = ended_session(cast)
    written(cast, session)
    client = signed_in(cast.teacher)
    body = client.get(f"/sessions/{session.pk}/record/amend/").content.decode()
    assert SUMMARY in body and "Send the open evening details" in body
    form = {
        **_form(summary="Talked through college options."),
        "actions-INITIAL_FORMS": "1",
        "actions-0-owner": str(cast.teacher.pk),
        "actions-0-owner_name": "",
    }
    response = client.post(f"/sessions/{session.pk}/record/amend/", form)
    assert response.status_code == 200
    assert "say why the record is being changed" in response.content.decode()
    assert not MeetingRecordAmendment.objects.exists()
    response = client.post(
        f"/sessions/{session.pk}/record/amend/", {**form, "reason": "Shortened the summary"}
    )
    assert response.status_code == 302
    [amendment] = MeetingRecordAmendment.objects.all()
    assert amendment.reason == "Shortened the summary"
    assert amendment.after["summary"] == "Talked through college options."
    assert amendment.after["actions"] == amendment.before["actions"]
