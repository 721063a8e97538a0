"""Building blocks for meeting record tests: sessions that have ended, and a clock to move."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from unittest.mock import patch

from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.people.models import StaffMember, User
from chaperon.records.models import MeetingRecord
from chaperon.records.services import ActionInput, meeting_record_write
from chaperon.sessions import services
from chaperon.sessions.models import Session
from tests.conftest import Cast
from tests.sessions.helpers import LONDON, consent_for, group, one_to_one

SUMMARY = "Talked through college options and the open evening. Robin seemed settled."


def ended_session(
    cast: Cast, *, start: datetime | None = None, kind: str = "one_to_one"
) -> Session:
    """A session booked by the teacher (with teacher2 too, for a group), moved into the past:
    by default it ended an hour ago."""
    consent_for(cast.learner, cast.dsl)
    proposal = group(cast, [cast.learner]) if kind == "group" else one_to_one(cast)
    result = services.session_book(actor=cast.teacher, proposal=proposal, title="Careers")
    assert result.session is not None, result.verdict
    start = start or timezone.now() - timedelta(minutes=100)
    Session.objects.filter(pk=result.session.pk).update(start=start)
    return Session.objects.select_related("organisation", "organiser").get(pk=result.session.pk)


def past_friday_at(hour: int, minute: int = 0) -> datetime:
    """A Friday at least two weeks ago, London time."""
    today = datetime.now(LONDON).date()
    friday = today - timedelta(days=(today.weekday() - 4) % 7 + 14)
    return datetime.combine(friday, time(hour, minute), tzinfo=LONDON)


def written(cast: Cast, session: Session, **changes: object) -> MeetingRecord:
    fields: dict[str, object] = {
        "method": "chaperon_room",
        "summary": SUMMARY,
        "actions": [
            ActionInput(
                description="Send the open evening details",
                owner=cast.teacher,
                due_on=date.today() + timedelta(days=7),
            )
        ],
    }
    fields.update(changes)
    return meeting_record_write(actor=cast.teacher, session=session, **fields)  # type: ignore[arg-type]


def set_line_manager(user: User, manager: User | None) -> None:
    StaffMember.objects.filter(user=user).update(
        line_manager=StaffMember.objects.get(user=manager) if manager else None
    )


@contextmanager
def clock_at(moment: datetime) -> Iterator[datetime]:
    """Run the block as if it were ``moment``."""
    with patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield moment


def last_seq() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_since(seq: int, *actions: str) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(id__gt=seq)
    if actions:
        events = events.filter(action__in=actions)
    return list(events.order_by("id"))
