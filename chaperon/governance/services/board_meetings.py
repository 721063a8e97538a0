"""The days the board meets (ORG-6), set by the organisation, and the reminder to the DSL to
complete the quarterly report's narrative before each, sent once."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.people.selectors import safeguarding_leads

from ..models import BoardMeeting, BoardReport
from ..quarters import quarter_of


def reminder_days() -> int:
    """How many days before a meeting the DSL is reminded (``BOARD_MEETING_REMINDER_DAYS``)."""
    return int(settings.BOARD_MEETING_REMINDER_DAYS)


@logged
def board_meeting_add(*, actor: User, meets_on: date | None) -> BoardMeeting:
    """Set a day the board meets: after today, in the organisation's time; once a day."""
    require(actor, Permission.SET_BOARD_MEETINGS)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    today = organisation.today()
    if meets_on is None:
        raise ValidationFailed({"meets_on": "Give the day the board meets."})
    if meets_on <= today:
        raise ValidationFailed(
            {"meets_on": f"Give a day after today ({today:%d/%m/%Y}): meetings to come only."}
        )
    already = ValidationFailed({"meets_on": f"The board already meets on {meets_on:%d/%m/%Y}."})
    if BoardMeeting.objects.filter(organisation=organisation, meets_on=meets_on).exists():
        raise already
    try:
        with transaction.atomic():
            meeting = BoardMeeting.objects.create(
                organisation=organisation, meets_on=meets_on, added_by=actor
            )
            record(
                action=AuditAction.BOARD_MEETING_ADDED,
                actor=actor,
                obj=meeting,
                data={"meets_on": meets_on.isoformat()},
            )
    except IntegrityError:  # set by someone else at the same moment
        raise already from None
    return meeting


@logged
def board_meeting_remove(*, actor: User, meeting_id: int) -> None:
    """Remove a meeting still to come; those past are kept."""
    require(actor, Permission.SET_BOARD_MEETINGS)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    with transaction.atomic():
        meeting = (
            BoardMeeting.objects.select_for_update()
            .filter(organisation=organisation, pk=meeting_id)
            .first()
        )
        if meeting is None:
            raise ValidationFailed({"meeting": "No such board meeting."})
        if meeting.meets_on <= organisation.today():
            raise ValidationFailed(
                {"meeting": "Only meetings still to come are removed; this one is kept."}
            )
        record(
            action=AuditAction.BOARD_MEETING_REMOVED,
            actor=actor,
            obj=meeting,
            data={"meets_on": meeting.meets_on.isoformat()},
        )
        meeting.delete()


def _reminder_due(meeting: BoardMeeting, today: date, days: int) -> bool:
    """From ``days`` days before the meeting to the day before it."""
    return meeting.meets_on - timedelta(days=days) <= today < meeting.meets_on


@logged
def board_meeting_reminders_send(*, today: date | None = None) -> int:
    """Remind the safeguarding leads of each organisation to complete the quarterly report's
    narrative before the board meets, from ``BOARD_MEETING_REMINDER_DAYS`` days before; once
    per meeting (claimed before the emails are queued). Returns how many meetings were
    reminded. Safe to run as often as you like."""
    days = reminder_days()
    sent = 0
    waiting = BoardMeeting.objects.filter(reminded_at__isnull=True).select_related("organisation")
    for meeting in waiting.order_by("meets_on", "pk"):
        day = today or meeting.organisation.today()
        if not _reminder_due(meeting, day, days):
            continue
        with transaction.atomic():
            claimed = BoardMeeting.objects.filter(pk=meeting.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            _remind(meeting)
            sent += 1
    return sent


def _remind(meeting: BoardMeeting) -> None:
    quarter = quarter_of(meeting.meets_on).previous()
    report = BoardReport.objects.filter(
        organisation_id=meeting.organisation_id, year=quarter.year, quarter=quarter.number
    ).first()
    written = bool(report and report.narrative)
    link = absolute_url(reverse("governance:board_report", args=[quarter.key]))
    leads = [user for user in safeguarding_leads(meeting.organisation_id) if user.email]
    for user in leads:
        queue_email(
            to=user.email,
            subject=f"The board meets on {meeting.meets_on:%-d %B %Y}: complete the report",
            text=render_to_string(
                "governance/email/board_meeting_reminder.txt",
                {
                    "name": user.full_name,
                    "meeting": meeting,
                    "quarter": quarter,
                    "written": written,
                    "link": link,
                },
            ),
            purpose="board_meeting_reminder",
            obj=meeting,
            organisation_id=meeting.organisation_id,
        )
    record(
        action=AuditAction.BOARD_MEETING_REMINDER_SENT,
        obj=meeting,
        reason="The board meets soon",
        data={
            "meets_on": meeting.meets_on.isoformat(),
            "quarter": quarter.key,
            "to": [user.pk for user in leads],
        },
    )
