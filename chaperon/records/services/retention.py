"""Destroying meeting records at the end of their organisation's retention period (LOG-2),
keeping only that each existed and when it was destroyed."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.pure.dates import add_years
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation

from ..models import MeetingRecord, MeetingRecordDestruction


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


@logged
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


@logged
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
