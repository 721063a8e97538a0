"""Reminders of meeting records not written: the host after one working day, then their line
manager (or the DSL) after two, each once, ever (LOG-1)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.email_queue import queue_email
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.people.selectors import safeguarding_leads
from chaperon.sessions.models import Session

from ..models import MeetingRecordReminder, ReminderStage
from ..permissions import line_manager_of
from ..selectors import NOT_HELD, REMINDER_AFTER_WORKING_DAYS, reminder_due_at

# Reminders look back this far: a session older than this without a record is on its host's
# dashboard, not in anyone's inbox again.
REMINDER_WINDOW = timedelta(days=30)


def _reminder_recipients(session: Session, stage: str) -> list[User]:
    if stage == ReminderStage.HOST:
        return [session.organiser]
    manager = line_manager_of(session.organiser)
    if manager is not None and manager.is_active:
        return [manager]
    return safeguarding_leads(session.organisation_id)


def _send_reminder(session: Session, stage: str, now: datetime) -> bool:
    recipients = [user for user in _reminder_recipients(session, stage) if user.email]
    with transaction.atomic():
        reminder, created = MeetingRecordReminder.objects.get_or_create(
            session=session,
            stage=stage,
            defaults={"sent_at": now, "recipients": [user.email for user in recipients]},
        )
        if not created:
            return False
        local_start = session.start.astimezone(session.organisation.zone)
        context = {
            "session": session,
            "when": f"{date_format(local_start, 'l j F Y')}, {local_start:%H:%M}",
            "stage": stage,
            "working_days": REMINDER_AFTER_WORKING_DAYS[ReminderStage(stage)],
            "link": absolute_url(
                reverse(
                    "records:write" if stage == ReminderStage.HOST else "records:detail",
                    args=[session.pk],
                )
            ),
        }
        subject = (
            f"Meeting record due: {session.title}"
            if stage == ReminderStage.HOST
            else f"Meeting record not written: {session.title} ({session.organiser.full_name})"
        )
        for user in recipients:
            queue_email(
                to=user.email,
                subject=subject,
                text=render_to_string(
                    "records/email/reminder.txt", {**context, "name": user.full_name}
                ),
                purpose=f"meeting_record_reminder_{stage}",
                obj=session,
            )
        record(
            action=AuditAction.MEETING_RECORD_REMINDER_SENT,
            obj=session,
            reason="The meeting record is not written",
            data={"stage": stage, "to": [user.pk for user in recipients], "reminder": reminder.pk},
        )
    return True


@logged
def meeting_record_reminders_send() -> int:
    """Remind the host of each record not written one working day after the session, then their
    line manager (or the DSL) after two. Each reminder goes once, ever: safe to run as often as
    you like, from several places at once."""
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            start__lte=now,
            start__gte=now - REMINDER_WINDOW,
            meeting_record__isnull=True,
            meeting_record_destruction__isnull=True,
        )
        .exclude(status__in=NOT_HELD)
        .select_related("organisation", "organiser")
    )
    sent_already = set(
        MeetingRecordReminder.objects.filter(session__in=sessions).values_list(
            "session_id", "stage"
        )
    )
    sent = 0
    for session in sessions:
        for stage in ReminderStage.values:
            if (session.pk, stage) in sent_already or reminder_due_at(session, stage) > now:
                continue
            sent += _send_reminder(session, stage, now)
    return sent
