"""Board meetings (ORG-6): the organisation sets the days its board meets (days to come only,
audited), and the DSL is reminded BOARD_MEETING_REMINDER_DAYS days before each to complete the
quarterly report's narrative, once per meeting, whatever how often the task runs."""

import json
from datetime import timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.governance.models import BoardMeeting
from chaperon.governance.services import (
    board_meeting_add,
    board_meeting_reminders_send,
    board_meeting_remove,
)
from chaperon.governance.tasks import send_board_meeting_reminders_task
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-6")]

URL = "/governance/board/meetings/"


@pytest.mark.parametrize("name", ["dsl", "admin"])
def test_the_dsl_and_administrators_add_and_remove_meetings_audited(cast: Cast, name: str) -> None:
    client = signed_in(cast.user(name))
    assert client.get(URL).status_code == 200
    day = cast.organisation.today() + timedelta(days=40)
    response = client.post(URL, {"meets_on": day.isoformat()})
    assert response.status_code == 302
    meeting = BoardMeeting.objects.get()
    assert (meeting.meets_on, meeting.added_by, meeting.organisation) == (
        day,
        cast.user(name),
        cast.organisation,
    )
    assert f"{day:%-d %B %Y}" in client.get(URL).text
    added = AuditEvent.objects.get(action=AuditAction.BOARD_MEETING_ADDED)
    assert json.loads(added.data)["meets_on"] == day.isoformat()
    assert client.post(f"{URL}{meeting.pk}/remove/").status_code == 302
    assert not BoardMeeting.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.BOARD_MEETING_REMOVED).count() == 1


def test_only_days_to_come_are_set_once_naming_the_field(cast: Cast) -> None:
    today = cast.organisation.today()
    client = signed_in(cast.dsl)
    for day in (today, today - timedelta(days=1)):
        response = client.post(URL, {"meets_on": day.isoformat()})
        assert response.status_code == 400
        assert "Give a day after today" in response.context["form"].errors["meets_on"][0]
    assert client.post(URL, {"meets_on": "31/02/2027"}).status_code == 400
    assert not BoardMeeting.objects.exists()
    board_meeting_add(actor=cast.dsl, meets_on=today + timedelta(days=1))
    with pytest.raises(ValidationFailed) as refused:
        board_meeting_add(actor=cast.admin, meets_on=today + timedelta(days=1))
    assert "already meets" in refused.value.errors["meets_on"]
    assert BoardMeeting.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.BOARD_MEETING_ADDED).count() == 1


def test_a_meeting_held_is_kept(cast: Cast) -> None:
    held = BoardMeeting.objects.create(
        organisation=cast.organisation,
        meets_on=cast.organisation.today() - timedelta(days=3),
        added_by=cast.dsl,
    )
    response = signed_in(cast.dsl).post(f"{URL}{held.pk}/remove/")
    assert response.status_code == 400
    assert "Only meetings still to come" in response.text
    assert BoardMeeting.objects.filter(pk=held.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BOARD_MEETING_REMOVED).exists()


@pytest.mark.parametrize("name", ["deputy", "slt", "teacher", "board"])
def test_others_may_not_set_meetings_and_nothing_changes(cast: Cast, name: str) -> None:
    day = cast.organisation.today() + timedelta(days=20)
    meeting = board_meeting_add(actor=cast.dsl, meets_on=day)
    client = signed_in(cast.user(name))
    assert client.get(URL).status_code == 403
    later = (day + timedelta(days=1)).isoformat()
    assert client.post(URL, {"meets_on": later}).status_code == 403
    assert client.post(f"{URL}{meeting.pk}/remove/").status_code == 403
    with pytest.raises(PermissionDenied):
        board_meeting_remove(actor=cast.user(name), meeting_id=meeting.pk)
    assert list(BoardMeeting.objects.values_list("meets_on", flat=True)) == [day]
    assert AuditEvent.objects.filter(action=AuditAction.BOARD_MEETING_ADDED).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.BOARD_MEETING_REMOVED).exists()


def test_another_organisations_meeting_is_not_removed(cast: Cast) -> None:
    meeting = board_meeting_add(
        actor=cast.dsl, meets_on=cast.organisation.today() + timedelta(days=9)
    )
    with pytest.raises(ValidationFailed):
        board_meeting_remove(actor=cast.outsider, meeting_id=meeting.pk)
    assert BoardMeeting.objects.filter(pk=meeting.pk).exists()


def test_the_dsl_is_reminded_from_n_days_before_once_per_meeting(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks, settings
) -> None:
    settings.BOARD_MEETING_REMINDER_DAYS = 14
    meets_on = cast.organisation.today() + timedelta(days=60)
    meeting = board_meeting_add(actor=cast.admin, meets_on=meets_on)
    with django_capture_on_commit_callbacks(execute=True):
        # Fifteen days before: not yet.
        assert board_meeting_reminders_send(today=meets_on - timedelta(days=15)) == 0
        meeting.refresh_from_db()
        assert meeting.reminded_at is None
        # Fourteen days before: reminded, once, however often the task runs.
        assert board_meeting_reminders_send(today=meets_on - timedelta(days=14)) == 1
        assert board_meeting_reminders_send(today=meets_on - timedelta(days=14)) == 0
        assert board_meeting_reminders_send(today=meets_on - timedelta(days=1)) == 0
    mails = smtp_server.to(cast.dsl.email)
    assert len(mails) == 1
    assert mails[0]["Subject"] == f"The board meets on {meets_on:%-d %B %Y}: complete the report"
    assert "narrative is not yet written" in mails[0].get_content()
    assert not smtp_server.to(cast.admin.email)
    assert not smtp_server.to(cast.teacher.email)
    meeting.refresh_from_db()
    assert meeting.reminded_at is not None
    event = AuditEvent.objects.get(action=AuditAction.BOARD_MEETING_REMINDER_SENT)
    assert json.loads(event.data)["to"] == [cast.dsl.pk]


def test_the_day_before_is_the_last_day_and_the_day_itself_too_late(cast: Cast, settings) -> None:
    settings.BOARD_MEETING_REMINDER_DAYS = 7
    meets_on = cast.organisation.today() + timedelta(days=30)
    late = board_meeting_add(actor=cast.dsl, meets_on=meets_on)
    just_in_time = board_meeting_add(actor=cast.dsl, meets_on=meets_on + timedelta(days=1))
    # On the first meeting's day: too late for it, the day before for the other.
    assert board_meeting_reminders_send(today=meets_on) == 1
    late.refresh_from_db()
    just_in_time.refresh_from_db()
    assert late.reminded_at is None
    assert just_in_time.reminded_at is not None
    # The setting moves the first day: eight days before is outside seven.
    third = board_meeting_add(actor=cast.dsl, meets_on=meets_on + timedelta(days=10))
    assert board_meeting_reminders_send(today=third.meets_on - timedelta(days=8)) == 0
    assert board_meeting_reminders_send(today=third.meets_on - timedelta(days=7)) == 1


def test_the_scheduled_task_reminds_meetings_due_today(cast: Cast) -> None:
    soon = BoardMeeting.objects.create(
        organisation=cast.organisation,
        meets_on=cast.organisation.today() + timedelta(days=3),
        added_by=cast.dsl,
    )
    far = board_meeting_add(actor=cast.dsl, meets_on=cast.organisation.today() + timedelta(days=90))
    assert send_board_meeting_reminders_task.call() == 1
    soon.refresh_from_db()
    far.refresh_from_db()
    assert soon.reminded_at is not None and far.reminded_at is None
