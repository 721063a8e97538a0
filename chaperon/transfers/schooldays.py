"""School days, for the reminder when a sent file has no receipt (INC-8).

Chaperon does not know a school's own term and holiday dates (``trusts.terms`` keeps only the
fixed terms), so a school day is one of the organisation's working days (Monday to Friday by
default, ``Organisation.working_days``), in its time zone. A file sent on a Monday at 10:00 is
due a receipt by 10:00 on the next Monday: five school days later, the weekend skipped."""

from datetime import datetime, timedelta

from chaperon.people.models import Organisation

RECEIPT_WITHIN_SCHOOL_DAYS = 5


def school_days_after(organisation: Organisation, moment: datetime, days: int) -> datetime:
    """``moment`` moved forward by ``days`` school days, at the same local time of day."""
    zone = organisation.zone
    local = moment.astimezone(zone)
    working = organisation.working_days or "12345"
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if str(day.isoweekday()) in working:
            counted += 1
    return datetime.combine(day, local.time().replace(tzinfo=None), zone)


def receipt_due(organisation: Organisation, sent_at: datetime) -> datetime:
    return school_days_after(organisation, sent_at, RECEIPT_WITHIN_SCHOOL_DAYS)
