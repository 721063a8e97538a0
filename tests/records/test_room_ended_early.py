"""The meeting record opens when the room ended, not only at the booked end (LOG-1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chaperon.core.exceptions import ValidationFailed
from chaperon.records.selectors import record_due_by
from chaperon.records.services import meeting_record_write
from chaperon.sessions import services
from chaperon.sessions.attendance import session_room_ended
from chaperon.sessions.models import Session, SessionStatus
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, one_to_one

from .helpers import SUMMARY

pytestmark = pytest.mark.django_db


def booked(cast: Cast) -> Session:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.booked and result.session is not None
    return result.session


@pytest.mark.clause("LOG-1")
def test_the_record_can_be_written_as_soon_as_the_room_ended_early(cast: Cast) -> None:
    session = booked(cast)
    start = timezone.now() - timedelta(minutes=10)  # under way: 40 minutes booked
    Session.objects.filter(pk=session.pk).update(
        start=start, status=SessionStatus.OPEN, opened_at=start
    )
    session.refresh_from_db()
    with pytest.raises(ValidationFailed, match="once the session has ended"):
        meeting_record_write(actor=cast.teacher, session=session, method="phone", summary=SUMMARY)

    ended_at = timezone.now()
    session_room_ended(session_id=session.pk, at=ended_at)
    session_room_ended(session_id=session.pk, at=ended_at + timedelta(minutes=5))  # first counts
    session.refresh_from_db()

    assert session.ended_at == ended_at and session.state_label == "Ended"
    assert record_due_by(session) > ended_at
    page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert "Write the meeting record" in page
    written = meeting_record_write(
        actor=cast.teacher, session=session, method="chaperon_room", summary=SUMMARY
    )
    assert written.session_id == session.pk
