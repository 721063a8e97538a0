"""Meeting records not written: the host is reminded after one working day, their line manager
(or the DSL) after two, each once, counting only the organisation's working days and hours in
its time zone. Records past the retention period are destroyed, and that is recorded (LOG-2)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.core.models import EmailDelivery
from chaperon.core.scheduling import registered
from chaperon.people.models import Organisation
from chaperon.records.models import (
    MeetingAction,
    MeetingRecord,
    MeetingRecordAmendment,
    MeetingRecordDestruction,
    MeetingRecordReminder,
)
from chaperon.records.selectors import add_working_time
from chaperon.records.services import (
    meeting_record_amend,
    meeting_record_reminders_send,
    meeting_records_destroy_expired,
)
from chaperon.records.tasks import (
    destroy_expired_meeting_records_task,
    send_meeting_record_reminders_task,
)
from chaperon.sessions.models import Session
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import LONDON

from .helpers import (
    audit_since,
    clock_at,
    ended_session,
    last_seq,
    past_friday_at,
    set_line_manager,
    written,
)

pytestmark = [pytest.mark.django_db]


def _reminders() -> list[tuple[str, str]]:
    return [
        (delivery.purpose, delivery.to)
        for delivery in EmailDelivery.objects.filter(
            purpose__startswith="meeting_record_reminder"
        ).order_by("id")
    ]


def _runs_at(friday: datetime, *moments: tuple[int, int, int]) -> list[int]:
    """Run the reminders (twice each time: each is sent once) at (days after, hour, minute)."""
    sent = []
    for days, hour, minute in moments:
        day = friday.date() + timedelta(days=days)
        with clock_at(datetime.combine(day, time(hour, minute), tzinfo=LONDON)):
            sent.append(meeting_record_reminders_send() + meeting_record_reminders_send())
    return sent


@pytest.mark.clause("LOG-1")
def test_the_host_after_one_working_day_the_line_manager_after_two_each_once(
    cast: Cast,
) -> None:
    friday = past_friday_at(10)  # 10:00 to 10:40
    session = ended_session(cast, start=friday)
    set_line_manager(cast.teacher, cast.slt)
    since = last_seq()
    sent = _runs_at(
        friday,
        (0, 16, 0),  # Friday afternoon
        (1, 11, 0),  # Saturday
        (2, 11, 0),  # Sunday
        (3, 10, 39),  # Monday, a minute short of one working day
        (3, 10, 41),  # Monday: the host
        (3, 16, 0),
        (4, 10, 39),  # Tuesday, a minute short of two
        (4, 10, 41),  # Tuesday: the line manager
        (5, 10, 41),
        (10, 10, 41),
    )
    assert sent == [0, 0, 0, 0, 1, 0, 0, 1, 0, 0]
    assert _reminders() == [
        ("meeting_record_reminder_host", cast.teacher.email),
        ("meeting_record_reminder_manager", cast.slt.email),
    ]
    host, manager = EmailDelivery.objects.filter(
        purpose__startswith="meeting_record_reminder"
    ).order_by("id")
    assert host.subject == "Meeting record due: Careers"
    assert f"/sessions/{session.pk}/record/write/" in host.text
    assert manager.subject == "Meeting record not written: Careers (Terry Finch)"
    assert f"/sessions/{session.pk}/record/" in manager.text
    events = audit_since(since, AuditAction.MEETING_RECORD_REMINDER_SENT)
    assert [(e.details["stage"], e.details["to"]) for e in events] == [
        ("host", [cast.teacher.pk]),
        ("manager", [cast.slt.pk]),
    ]
    reminders = MeetingRecordReminder.objects.filter(session=session).order_by("sent_at")
    assert [(r.stage, r.sent_at.astimezone(LONDON).weekday()) for r in reminders] == [
        ("host", 0),
        ("manager", 1),
    ]


@pytest.mark.clause("LOG-1")
def test_without_a_line_manager_the_dsl_is_reminded(cast: Cast) -> None:
    friday = past_friday_at(10)
    ended_session(cast, start=friday)
    assert _runs_at(friday, (3, 11, 0), (4, 11, 0)) == [1, 1]
    assert _reminders() == [
        ("meeting_record_reminder_host", cast.teacher.email),
        ("meeting_record_reminder_manager", cast.dsl.email),
    ]


@pytest.mark.clause("LOG-1")
def test_a_record_written_in_time_stops_the_reminders(cast: Cast) -> None:
    friday = past_friday_at(10)
    session = ended_session(cast, start=friday)
    assert _runs_at(friday, (3, 11, 0)) == [1]
    written(cast, session)
    assert _runs_at(friday, (4, 11, 0), (5, 11, 0)) == [0, 0]
    assert _reminders() == [("meeting_record_reminder_host", cast.teacher.email)]


def test_the_periodic_task_is_registered_and_runs(cast: Cast) -> None:
    names = {periodic.name for periodic in registered()}
    assert send_meeting_record_reminders_task.module_path in names
    assert destroy_expired_meeting_records_task.module_path in names
    friday = past_friday_at(10)
    ended_session(cast, start=friday)
    with clock_at(datetime.combine(friday.date() + timedelta(days=3), time(11), tzinfo=LONDON)):
        result = send_meeting_record_reminders_task.enqueue()
    assert result.return_value == 1


def _organisation(**fields: object) -> Organisation:
    return Organisation(name="Fictional", slug="fictional", **fields)


def _london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def test_working_time_skips_weekends_evenings_and_keeps_to_the_clock_change() -> None:
    organisation = _organisation()
    day = timedelta(hours=8, minutes=30)
    friday = date(2026, 10, 23)  # the clocks go back on Sunday 25 October
    monday = date(2026, 10, 26)
    assert add_working_time(_london(friday, 15), day, organisation) == _london(monday, 15)
    assert _london(monday, 15).utcoffset() == timedelta(0)  # GMT now, BST on the Friday
    assert add_working_time(_london(friday, 18), day, organisation) == _london(monday, 17)
    assert add_working_time(_london(friday, 7), day, organisation) == _london(friday, 17)
    saturday = date(2026, 10, 24)
    assert add_working_time(_london(saturday, 10), day * 2, organisation) == _london(
        monday + timedelta(days=1), 17
    )
    # Spring: Friday 27 March 2026 to Monday 30 March, now in BST.
    assert add_working_time(_london(date(2026, 3, 27), 9, 30), day, organisation) == _london(
        date(2026, 3, 30), 9, 30
    )
    assert add_working_time(_london(date(2026, 3, 27), 9, 30), day, organisation).tzinfo == UTC


def test_working_time_follows_the_organisations_days_and_hours() -> None:
    sundays_to_thursdays = _organisation(
        working_days="71234", working_hours_start=time(8), working_hours_end=time(16)
    )
    thursday = date(2026, 6, 4)
    assert add_working_time(
        _london(thursday, 12), timedelta(hours=8), sundays_to_thursdays
    ) == _london(date(2026, 6, 7), 12)  # Sunday


# Retention (LOG-2) -------------------------------------------------------------------------------


@pytest.mark.clause("LOG-2")
def test_records_past_the_retention_period_are_destroyed_and_that_is_recorded(cast: Cast) -> None:
    assert cast.organisation.meeting_record_retention_years == 7
    old = ended_session(cast, start=timezone.now() - timedelta(days=7 * 366))
    old_record = written(cast, old)
    meeting_record_amend(
        actor=cast.teacher,
        meeting_record=old_record,
        method="phone",
        summary="Phone call in the end.",
        reason="Corrected",
    )
    recent = ended_session(cast)
    written(cast, recent)
    old_record.refresh_from_db()
    since = last_seq()

    assert destroy_expired_meeting_records_task.enqueue().return_value == 1
    assert meeting_records_destroy_expired() == 0  # nothing more the second time

    assert list(MeetingRecord.objects.values_list("session_id", flat=True)) == [recent.pk]
    assert not MeetingAction.objects.filter(record_id=old_record.pk).exists()
    assert not MeetingRecordAmendment.objects.exists()
    destruction = MeetingRecordDestruction.objects.get()
    assert (destruction.session_id, destruction.record_id) == (old.pk, old_record.pk)
    assert destruction.digest == old_record.digest and destruction.retention_years == 7
    [event] = audit_since(since)
    assert event.action == AuditAction.MEETING_RECORD_DESTROYED
    assert event.actor_id is None
    assert event.details == {
        "session": old.pk,
        "record": old_record.pk,
        "digest": old_record.digest,
    }
    assert event.reason == "Retention period of 7 years after the session has passed"

    body = signed_in(cast.teacher).get(f"/sessions/{old.pk}/record/").content.decode()
    assert "This record was destroyed on" in body and "Phone call in the end." not in body
    response = signed_in(cast.teacher).get(f"/sessions/{old.pk}/record/write/")
    assert response.status_code == 302 and response["Location"] == f"/sessions/{old.pk}/record/"
    assert not MeetingRecord.objects.filter(session=old).exists()
    body = signed_in(cast.teacher).get(f"/sessions/{old.pk}/").content.decode()
    assert "destroyed on" in body and "Write the meeting record" not in body


@pytest.mark.clause("LOG-2")
def test_the_retention_period_is_the_organisations(cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.organisation.pk).update(meeting_record_retention_years=10)
    old = ended_session(cast, start=timezone.now() - timedelta(days=8 * 366))
    written(cast, old)
    assert meeting_records_destroy_expired() == 0
    Organisation.objects.filter(pk=cast.organisation.pk).update(meeting_record_retention_years=8)
    assert meeting_records_destroy_expired() == 1
    assert Session.objects.filter(pk=old.pk).exists()  # the session itself stays


def test_the_organisation_page_shows_the_retention_period(cast: Cast) -> None:
    body = signed_in(cast.teacher).get("/organisation/").content.decode()
    assert "Meeting records kept for" in body and "7 years after the session" in body
    body = signed_in(cast.dsl).get("/organisation/").content.decode()
    assert 'name="meeting_record_retention_years"' in body
