"""Every change to concerns. Views, tasks and commands call these; each checks permission,
runs in one transaction and writes its audit event."""

from .escalation import concerns_escalate_overdue
from .handling import (
    RESPONSES,
    concern_access_grant,
    concern_acknowledge,
    concern_change,
    concern_close,
    concern_note_add,
    concern_referral_record,
    concern_step_complete,
    concern_triage,
)
from .raising import concern_raise

__all__ = [
    "RESPONSES",
    "concern_access_grant",
    "concern_acknowledge",
    "concern_change",
    "concern_close",
    "concern_note_add",
    "concern_raise",
    "concern_referral_record",
    "concern_step_complete",
    "concern_triage",
    "concerns_escalate_overdue",
]
