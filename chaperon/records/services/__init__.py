"""Every change to meeting records: writing, amending, reminding and destroying them. Views,
tasks and commands call these; each checks who may act, runs in one transaction and writes its
audit event."""

from .content import ActionInput, content_of, digest_of, record_is_intact
from .reminders import meeting_record_reminders_send
from .retention import meeting_record_destroy, meeting_records_destroy_expired
from .writing import meeting_record_amend, meeting_record_write

__all__ = [
    "ActionInput",
    "content_of",
    "digest_of",
    "meeting_record_amend",
    "meeting_record_destroy",
    "meeting_record_reminders_send",
    "meeting_record_write",
    "meeting_records_destroy_expired",
    "record_is_intact",
]
