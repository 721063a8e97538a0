"""Meeting records (LOG-1, LOG-2): when they are due, and the reads, each scoped to the viewer
(``permissions``) and audited where it shows a record's content."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import Organisation, User
from chaperon.policy.models import ApprovedPlatform
from chaperon.sessions.attendance import session_attendance
from chaperon.sessions.models import Invitation, Session, SessionStatus
from chaperon.sessions.permissions import access_session

from .models import (
    MeetingAction,
    MeetingRecord,
    MeetingRecordAmendment,
    MeetingRecordDestruction,
    ReminderStage,
)
from .permissions import (
    NO_SUCH_RECORD,
    may_amend_record,
    may_read_record,
    may_write_record,
)

# Sessions in these states never took place, so have no record.
NOT_HELD = (SessionStatus.CANCELLED, SessionStatus.REFUSED, SessionStatus.AWAITING_EXCEPTION)
# Working days after the session's end at which each reminder is due.
REMINDER_AFTER_WORKING_DAYS = {ReminderStage.HOST: 1, ReminderStage.MANAGER: 2}


def approved_platform_names(session: Session) -> list[str]:
    """The platforms on the session's organisation's approved register, by name."""
    return list(
        ApprovedPlatform.objects.filter(organisation_id=session.organisation_id)
        .order_by("name")
        .values_list("name", flat=True)
    )


def record_exists(session: Session) -> bool:
    return MeetingRecord.objects.filter(session=session).exists()


def record_destroyed(session: Session) -> bool:
    return MeetingRecordDestruction.objects.filter(session=session).exists()


def record_for_amending(viewer: User, session_id: int) -> MeetingRecord:
    """The session's written record, for its host or a safeguarding lead; "not found" for
    those who may not read it, refused for readers who may not amend."""
    session = access_session(viewer, session_id, may=may_read_record, not_found=NO_SUCH_RECORD)
    if not may_amend_record(viewer, session):
        raise PermissionDenied("Only the host, the DSL or a deputy may amend a meeting record.")
    meeting_record = (
        MeetingRecord.objects.select_related("session__organisation")
        .prefetch_related("actions")
        .filter(session=session)
        .first()
    )
    if meeting_record is None:
        raise NotFound("This session's record is not written.")
    record(action=AuditAction.MEETING_RECORD_VIEWED, actor=viewer, obj=meeting_record)
    return meeting_record


# When a record is due ---------------------------------------------------------------------------


def is_held(session: Session) -> bool:
    return session.status not in NOT_HELD


def has_ended(session: Session, *, now: datetime | None = None) -> bool:
    """The room ended (the record may be written from then, early or late), or else the
    booked end has passed."""
    return session.has_ended(now)


def working_day(organisation: Organisation) -> timedelta:
    day = datetime.combine(datetime.min.date(), organisation.working_hours_end)
    return day - datetime.combine(datetime.min.date(), organisation.working_hours_start)


def add_working_time(moment: datetime, amount: timedelta, organisation: Organisation) -> datetime:
    """``moment`` plus ``amount`` of the organisation's working time (its working days and
    hours, in its time zone): a session ending at 15:00 on a Friday is one working day old at
    15:00 on Monday. Returned in UTC."""
    zone = organisation.zone
    working_days = {int(day) for day in organisation.working_days}
    at = moment.astimezone(UTC)
    day = moment.astimezone(zone).date()
    remaining = amount
    for _ in range(7 * 60):  # 60 weeks: far beyond any amount asked of it
        if day.isoweekday() in working_days:
            opens = datetime.combine(day, organisation.working_hours_start, zone).astimezone(UTC)
            closes = datetime.combine(day, organisation.working_hours_end, zone).astimezone(UTC)
            begin = max(opens, at)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
    raise ValueError("no working time found: the organisation has no working days")


def reminder_due_at(session: Session, stage: str) -> datetime:
    organisation = session.organisation
    days = REMINDER_AFTER_WORKING_DAYS[ReminderStage(stage)]
    return add_working_time(session.finished_at, working_day(organisation) * days, organisation)


def record_due_by(session: Session) -> datetime:
    """When the record should be written: within one working day of the session's end."""
    return reminder_due_at(session, ReminderStage.HOST)


def records_due_for(user: User, *, now: datetime | None = None) -> list[Session]:
    """The held, ended sessions the user organised whose record is not written (nor destroyed),
    oldest first."""
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(
            organisation_id=user.organisation_id,
            organiser=user,
            start__lte=now,
            meeting_record__isnull=True,
            meeting_record_destruction__isnull=True,
        )
        .exclude(status__in=NOT_HELD)
        .select_related("organisation")
        .order_by("start")
    )
    return [session for session in sessions if has_ended(session, now=now)]


# Reading a record -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    role: str
    joined_at: datetime | None
    left_at: datetime | None
    from_room: bool
    pre_call_check: str = ""  # staff: what their pre-call check found (SES-14)


@dataclass(frozen=True)
class RecordView:
    """What the record page shows. ``record`` is None while it is not written (or destroyed)."""

    session: Session
    record: MeetingRecord | None
    actions: list[MeetingAction]
    amendments: list[MeetingRecordAmendment]
    attendance: list[AttendanceRow]
    destruction: MeetingRecordDestruction | None
    due_by: datetime | None


_ROLE_LABELS = dict(Invitation.Role.choices)


def attendance_of(session: Session) -> list[AttendanceRow]:
    """Each stay in the session's room, as the room recorded it; for a session the room did not
    record (held by phone, in person, or elsewhere), everyone invited, marked as such."""
    stays = session_attendance(session=session)
    if stays:
        return [
            AttendanceRow(
                stay.name,
                _ROLE_LABELS.get(stay.role, stay.role),
                stay.joined_at,
                stay.left_at,
                True,
                stay.pre_call_check,
            )
            for stay in stays
        ]
    staff_label = _ROLE_LABELS[Invitation.Role.STAFF]
    rows = [
        AttendanceRow(user.full_name, staff_label, None, None, False)
        for user in session.staff.order_by("full_name")
    ]
    rows += [
        AttendanceRow(learner.full_name, _ROLE_LABELS[Invitation.Role.LEARNER], None, None, False)
        for learner in session.learners.all()
    ]
    rows += [
        AttendanceRow(invitation.display_name, _ROLE_LABELS[invitation.role], None, None, False)
        for invitation in session.invitations.filter(role=Invitation.Role.GUARDIAN).order_by(
            "display_name"
        )
    ]
    return rows


def _record_of(session: Session) -> MeetingRecord | None:
    return (
        MeetingRecord.objects.select_related("written_by")
        .prefetch_related(
            Prefetch("actions", queryset=MeetingAction.objects.select_related("owner")),
            Prefetch(
                "amendments", queryset=MeetingRecordAmendment.objects.select_related("amended_by")
            ),
        )
        .filter(session=session)
        .first()
    )


def meeting_record_for(viewer: User, session_id: int) -> RecordView:
    """The session's record for someone who may read it (else "not found"). Reading a written
    record is audited (LOG-2)."""
    session = access_session(viewer, session_id, may=may_read_record, not_found=NO_SUCH_RECORD)
    meeting_record = _record_of(session)
    destruction = MeetingRecordDestruction.objects.filter(session=session).first()
    if meeting_record is not None:
        record(action=AuditAction.MEETING_RECORD_VIEWED, actor=viewer, obj=meeting_record)
    due_by = (
        record_due_by(session)
        if meeting_record is None and destruction is None and is_held(session)
        else None
    )
    return RecordView(
        session=session,
        record=meeting_record,
        actions=list(meeting_record.actions.all()) if meeting_record else [],
        amendments=list(meeting_record.amendments.all()) if meeting_record else [],
        attendance=attendance_of(session),
        destruction=destruction,
        due_by=due_by,
    )


@dataclass(frozen=True)
class RecordLink:
    """What the session page says of its record, for one viewer."""

    written: bool
    destroyed_at: datetime | None
    may_read: bool
    may_write: bool


def record_link_for(viewer: User, session: Session) -> RecordLink | None:
    """None when there is nothing to say: the session is not over, or the viewer may not read
    its record."""
    if not is_held(session) or not has_ended(session) or not may_read_record(viewer, session):
        return None
    written = record_exists(session)
    destruction = MeetingRecordDestruction.objects.filter(session=session).first()
    return RecordLink(
        written=written,
        destroyed_at=destruction.destroyed_at if destruction else None,
        may_read=True,
        may_write=not written and destruction is None and may_write_record(viewer, session),
    )


# For subject access (ORG-7): the meeting records of the sessions a person was in, read by a
# service that has already checked the DSL's permission and the person's organisation.


def meeting_records_of_sessions(session_ids: list[int]) -> list[MeetingRecord]:
    """The meeting records of these sessions, with their actions, oldest session first."""
    return list(
        MeetingRecord.objects.filter(session_id__in=session_ids)
        .select_related("session", "written_by")
        .prefetch_related("actions")
        .order_by("session__start", "id")
    )
