"""Meeting records have an app of their own, moved out of sessions without touching the
database: the tables keep their names, audit events keep naming the objects as they always
did, and sessions knows nothing of records (the record's section of the session page is
registered by records)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.records.models import (
    MeetingAction,
    MeetingRecord,
    MeetingRecordAmendment,
    MeetingRecordDestruction,
    MeetingRecordReminder,
)
from chaperon.records.services import meeting_record_destroy
from tests.conftest import Cast, signed_in

from .helpers import ended_session, last_seq, written

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-2")]

SESSIONS_APP = Path(__file__).resolve().parents[2] / "chaperon" / "sessions"


def test_the_tables_keep_the_names_they_had_in_sessions() -> None:
    models = [
        MeetingRecord,
        MeetingAction,
        MeetingRecordAmendment,
        MeetingRecordReminder,
        MeetingRecordDestruction,
    ]
    tables = set(connection.introspection.table_names())
    for model in models:
        assert model._meta.app_label == "records"
        assert model._meta.db_table == f"live_sessions_{model._meta.model_name}"
        assert model._meta.db_table in tables


def test_audit_events_name_records_as_before_the_move(cast: Cast) -> None:
    session = ended_session(cast)
    since = last_seq()
    meeting_record = written(cast, session)
    signed_in(cast.dsl).get(f"/sessions/{session.pk}/record/")
    meeting_record_destroy(meeting_record=meeting_record, now=timezone.now())
    destruction = MeetingRecordDestruction.objects.get(session=session)

    events = AuditEvent.objects.filter(id__gt=since).order_by("id")
    assert [(event.action, event.object_type, event.object_id) for event in events] == [
        (AuditAction.MEETING_RECORD_WRITTEN, "live_sessions.meetingrecord", str(meeting_record.pk)),
        (AuditAction.MEETING_RECORD_VIEWED, "live_sessions.meetingrecord", str(meeting_record.pk)),
        (
            AuditAction.MEETING_RECORD_DESTROYED,
            "live_sessions.meetingrecorddestruction",
            str(destruction.pk),
        ),
    ]


def test_sessions_does_not_import_records() -> None:
    importing = [
        path.relative_to(SESSIONS_APP).as_posix()
        for path in SESSIONS_APP.rglob("*.py")
        if "chaperon.records" in path.read_text(encoding="utf-8")
    ]
    assert importing == []


def test_the_models_match_their_migrations() -> None:
    """The move is in the migrations' state (``live_sessions.0006``, ``records.0001``): nothing
    is left for ``makemigrations`` to write."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
