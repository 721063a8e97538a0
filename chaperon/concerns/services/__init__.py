"""Every change to concerns. Views, tasks and commands call these; each checks permission,
runs in one transaction and writes its audit event."""

from .allegations import (
    concern_reclassify_as_allegation,
    staff_suspend,
    staff_suspension_lift,
)
from .assigning import concern_step_assign, concern_task_add
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
from .links import concern_link_end, concern_link_learner
from .raising import concern_raise

__all__ = [
    "RESPONSES",
    "concern_access_grant",
    "concern_acknowledge",
    "concern_change",
    "concern_close",
    "concern_link_end",
    "concern_link_learner",
    "concern_note_add",
    "concern_raise",
    "concern_reclassify_as_allegation",
    "concern_referral_record",
    "concern_step_assign",
    "concern_step_complete",
    "concern_task_add",
    "concern_triage",
    "concerns_escalate_overdue",
    "staff_suspend",
    "staff_suspension_lift",
]
