"""Meeting records (LOG-1, LOG-2): writing, amending, reminding and destroying them.

Each service checks who may act, works in one transaction and writes its audit event in it.
A record, once written, is never changed in place without a trace: an amendment keeps the
content before and after with the reason, and every version's digest goes to the audit log.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.email import queue_email
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.pure.dates import add_years
from chaperon.people.models import Organisation, User
from chaperon.people.selectors import safeguarding_leads

from .models import (
    DeliveryMethod,
    MeetingAction,
    MeetingRecord,
    MeetingRecordAmendment,
    MeetingRecordDestruction,
    MeetingRecordReminder,
    ReminderStage,
    Session,
)
from .record_selectors import (
    NOT_HELD,
    REMINDER_AFTER_WORKING_DAYS,
    approved_platform_names,
    has_ended,
    is_held,
    line_manager_of,
    may_amend_record,
    may_read_record,
    may_write_record,
    record_destroyed,
    record_exists,
    reminder_due_at,
)

# Reminders look back this far: a session older than this without a record is on its host's
# dashboard, not in anyone's inbox again.
REMINDER_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class ActionInput:
    """One action as entered: ``owner`` a member of staff, or ``owner_name`` someone else."""

    description: str
    owner: User | None = None
    owner_name: str = ""
    due_on: date | None = None

    @property
    def is_blank(self) -> bool:
        return not (
            self.description.strip() or self.owner or self.owner_name.strip() or self.due_on
        )


# Checking what was entered -----------------------------------------------------------------------


def _check_method(session: Session, method: str, platform_name: str) -> dict[str, str]:
    if method not in DeliveryMethod.values:
        labels = ", ".join(str(label).lower() for label in DeliveryMethod.labels)
        return {"method": f"choose how the session was delivered: {labels}"}
    if method != DeliveryMethod.APPROVED_PLATFORM:
        return {}
    names = approved_platform_names(session)
    if platform_name.strip() in names:
        return {}
    if not names:
        return {"method": "no other platform is on the approved register: choose another method"}
    return {"platform_name": "name the approved platform used: one of " + ", ".join(names)}


def _check_action(number: int, action: ActionInput, session: Session) -> dict[str, str]:
    key = f"actions.{number - 1}"
    errors = {}
    if not action.description.strip():
        errors[f"{key}.description"] = f"action {number}: say what is to be done"
    if action.owner is None and not action.owner_name.strip():
        errors[f"{key}.owner"] = (
            f"action {number}: choose who will do it (a member of staff), "
            "or type the name of someone else"
        )
    elif action.owner is not None and action.owner_name.strip():
        errors[f"{key}.owner_name"] = (
            f"action {number}: choose a member of staff or type a name, not both"
        )
    elif action.owner is not None and (
        action.owner.organisation_id != session.organisation_id or not action.owner.is_active
    ):
        errors[f"{key}.owner"] = f"action {number}: choose a current member of your staff"
    session_day = session.start.astimezone(session.organisation.zone).date()
    if action.due_on is None:
        errors[f"{key}.due_on"] = f"action {number}: give the date it is due"
    elif action.due_on < session_day:
        errors[f"{key}.due_on"] = (
            f"action {number}: choose a due date on or after the session ({session_day:%d/%m/%Y})"
        )
    return errors


def _checked(
    session: Session, method: str, platform_name: str, summary: str, actions: Sequence[ActionInput]
) -> list[ActionInput]:
    """The actions worth keeping (blank rows dropped); raises naming each field and its fix."""
    errors = _check_method(session, method, platform_name)
    if not summary.strip():
        errors["summary"] = "summarise what was discussed (a few sentences are enough)"
    kept = []
    for number, action in enumerate(actions, start=1):
        if action.is_blank:
            continue
        errors.update(_check_action(number, action, session))
        kept.append(action)
    if errors:
        raise ValidationFailed(errors)
    return kept


# The content and its digest ---------------------------------------------------------------------


def content_of(meeting_record: MeetingRecord) -> dict[str, Any]:
    """The record's content as plain data: what the digest covers and amendments keep."""
    return {
        "method": meeting_record.method,
        "platform_name": meeting_record.platform_name,
        "summary": meeting_record.summary,
        "actions": [
            {
                "description": action.description,
                "owner_id": action.owner_id,
                "owner": action.owner_label,
                "due_on": action.due_on.isoformat(),
            }
            for action in meeting_record.actions.select_related("owner").order_by("position")
        ],
    }


def _proposed(
    method: str, platform_name: str, summary: str, actions: Sequence[ActionInput]
) -> dict[str, Any]:
    """The content ``_store`` would write, in the form of ``content_of``."""
    return {
        "method": method,
        "platform_name": platform_name.strip()
        if method == DeliveryMethod.APPROVED_PLATFORM
        else "",
        "summary": summary.strip(),
        "actions": [
            {
                "description": action.description.strip(),
                "owner_id": action.owner.pk if action.owner else None,
                "owner": action.owner.full_name if action.owner else action.owner_name.strip(),
                "due_on": action.due_on.isoformat() if action.due_on else None,
            }
            for action in actions
        ],
    }


def digest_of(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_is_intact(meeting_record: MeetingRecord) -> bool:
    """True while the stored content matches the digest written (and audited) with it."""
    return digest_of(content_of(meeting_record)) == meeting_record.digest


def _store(
    meeting_record: MeetingRecord,
    method: str,
    platform_name: str,
    summary: str,
    actions: Sequence[ActionInput],
) -> dict[str, Any]:
    meeting_record.method = method
    meeting_record.platform_name = (
        platform_name.strip() if method == DeliveryMethod.APPROVED_PLATFORM else ""
    )
    meeting_record.summary = summary.strip()
    meeting_record.save()
    meeting_record.actions.all().delete()
    MeetingAction.objects.bulk_create(
        MeetingAction(
            record=meeting_record,
            position=position,
            description=action.description.strip(),
            owner=action.owner,
            owner_name="" if action.owner else action.owner_name.strip(),
            due_on=cast(date, action.due_on),  # checked by ``_checked``
        )
        for position, action in enumerate(actions, start=1)
    )
    content = content_of(meeting_record)
    meeting_record.digest = digest_of(content)
    meeting_record.save(update_fields=["digest", "updated_at"])
    return content


# Writing and amending ---------------------------------------------------------------------------


def meeting_record_write(
    *,
    actor: User,
    session: Session,
    method: str,
    summary: str,
    actions: Sequence[ActionInput] = (),
    platform_name: str = "",
) -> MeetingRecord:
    """Write the record of a session that has ended (LOG-1). Only its organiser, the host, may;
    only once: later changes are amendments."""
    if not may_read_record(actor, session):
        raise NotFound("No such meeting record.")
    if not may_write_record(actor, session):
        raise PermissionDenied("Only the session's host writes its meeting record.")
    if not is_held(session):
        raise ValidationFailed({"session": "this session did not take place, so has no record"})
    if not has_ended(session):
        end = session.finished_at.astimezone(session.organisation.zone)
        raise ValidationFailed(
            {"session": f"write the record once the session has ended, after {end:%H:%M}"}
        )
    kept = _checked(session, method, platform_name, summary, actions)
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)
        if record_exists(session):
            raise ValidationFailed(
                {"session": "the record is already written: amend it, giving a reason"}
            )
        if record_destroyed(session):
            raise ValidationFailed({"session": "this session's record was destroyed"})
        meeting_record = MeetingRecord(
            organisation_id=session.organisation_id, session=session, written_by=actor
        )
        content = _store(meeting_record, method, platform_name, summary, kept)
        record(
            action=AuditAction.MEETING_RECORD_WRITTEN,
            actor=actor,
            obj=meeting_record,
            data={
                "session": session.pk,
                "method": method,
                "actions": len(content["actions"]),
                "digest": meeting_record.digest,
            },
        )
    return meeting_record


def meeting_record_amend(
    *,
    actor: User,
    meeting_record: MeetingRecord,
    method: str,
    summary: str,
    reason: str,
    actions: Sequence[ActionInput] = (),
    platform_name: str = "",
) -> MeetingRecordAmendment | None:
    """Change a written record, saying why. The content before and after is kept with the
    reason (LOG-2). Returns None when nothing differs: no amendment is made."""
    session = meeting_record.session
    if not may_read_record(actor, session):
        raise NotFound("No such meeting record.")
    if not may_amend_record(actor, session):
        raise PermissionDenied("Only the host, the DSL or a deputy may amend a meeting record.")
    kept = _checked(session, method, platform_name, summary, actions)
    if not reason.strip():
        raise ValidationFailed(
            {"reason": "say why the record is being changed; it is kept with it"}
        )
    with transaction.atomic():
        current = MeetingRecord.objects.select_for_update().get(pk=meeting_record.pk)
        before = content_of(current)
        if _proposed(method, platform_name, summary, kept) == before:
            return None
        after = _store(current, method, platform_name, summary, kept)
        number = current.amendments.count() + 1
        now = timezone.now()
        amendment = MeetingRecordAmendment.objects.create(
            record=current,
            number=number,
            amended_by=actor,
            amended_at=now,
            reason=reason.strip(),
            before=before,
            after=after,
        )
        current.amended_at = now
        current.save(update_fields=["amended_at", "updated_at"])
        record(
            action=AuditAction.MEETING_RECORD_AMENDED,
            actor=actor,
            obj=current,
            reason=amendment.reason,
            data={
                "session": session.pk,
                "amendment": number,
                "changed": sorted(key for key in after if after[key] != before[key]),
                "digest": current.digest,
            },
        )
    meeting_record.refresh_from_db()
    return amendment


# Reminders --------------------------------------------------------------------------------------


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
                    "sessions:record_write" if stage == ReminderStage.HOST else "sessions:record",
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
                    "sessions/email/record_reminder.txt", {**context, "name": user.full_name}
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


# Retention --------------------------------------------------------------------------------------


def _expired(organisation: Organisation, now: datetime) -> list[MeetingRecord]:
    """Records whose session day is more than the retention period ago, in local days."""
    zone = organisation.zone
    today = now.astimezone(zone).date()
    cutoff = add_years(today, -organisation.meeting_record_retention_years)
    records = MeetingRecord.objects.filter(
        organisation=organisation, session__start__lt=datetime.combine(cutoff, time.min, zone)
    ).select_related("session__organisation")
    return [
        meeting_record
        for meeting_record in records
        if meeting_record.session.end.astimezone(organisation.zone).date() < cutoff
    ]


def meeting_record_destroy(*, meeting_record: MeetingRecord, now: datetime) -> None:
    """Destroy one record, its actions and amendments, keeping only that it existed and when it
    was destroyed (LOG-2). The system does this at the end of the retention period."""
    organisation = meeting_record.session.organisation
    with transaction.atomic():
        current = MeetingRecord.objects.select_for_update().filter(pk=meeting_record.pk).first()
        if current is None:
            return
        destruction = MeetingRecordDestruction.objects.create(
            organisation_id=current.organisation_id,
            session_id=current.session_id,
            record_id=current.pk,
            written_at=current.created_at,
            destroyed_at=now,
            retention_years=organisation.meeting_record_retention_years,
            digest=current.digest,
        )
        current.actions.all().delete()
        current.amendments.all().delete()
        current.delete()
        record(
            action=AuditAction.MEETING_RECORD_DESTROYED,
            obj=destruction,
            reason=(
                f"Retention period of {destruction.retention_years} years after the session "
                "has passed"
            ),
            data={
                "session": destruction.session_id,
                "record": destruction.record_id,
                "digest": destruction.digest,
            },
        )


def meeting_records_destroy_expired() -> int:
    """Destroy every record kept longer than its organisation's retention period; returns how
    many. Safe to run often."""
    now = timezone.now()
    organisation_ids = MeetingRecord.objects.values_list("organisation_id", flat=True).distinct()
    destroyed = 0
    for organisation in Organisation.objects.filter(pk__in=list(organisation_ids)):
        for meeting_record in _expired(organisation, now):
            meeting_record_destroy(meeting_record=meeting_record, now=now)
            destroyed += 1
    return destroyed
