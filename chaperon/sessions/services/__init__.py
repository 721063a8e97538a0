"""Every change to a session: booking, moving and cancelling (``booking``), deciding exceptions
(``decisions``), changing who and what takes part (``changes``), re-checks (``rechecks``),
preparing and opening (``opening``), and what the live room asks of sessions (``live``).

Each service checks who may act, judges the session with the organisation's policy where it
must, writes its audit event and queues its email in one transaction."""

from .booking import (
    BookingResult,
    session_book,
    session_cancel,
    session_reschedule,
    validate_proposal,
)
from .changes import ChangeResult, SessionChange, session_change
from .decisions import (
    approver_role,
    decision_role,
    may_decide,
    open_to_decision,
    session_exception_decide,
)
from .live import (
    ROOM_EXTENSION_ROLE,
    admission_problems,
    is_extension,
    is_protected,
    needs_named_adult,
    session_extension_by_host,
    session_extension_request,
)
from .opening import session_open, session_prepare
from .rechecks import (
    RECHECKED,
    recheck_neighbours,
    recheck_sessions,
    session_recheck,
    upcoming_sessions,
)

__all__ = [
    "RECHECKED",
    "ROOM_EXTENSION_ROLE",
    "BookingResult",
    "ChangeResult",
    "SessionChange",
    "admission_problems",
    "approver_role",
    "decision_role",
    "is_extension",
    "is_protected",
    "may_decide",
    "needs_named_adult",
    "open_to_decision",
    "recheck_neighbours",
    "recheck_sessions",
    "session_book",
    "session_cancel",
    "session_change",
    "session_exception_decide",
    "session_extension_by_host",
    "session_extension_request",
    "session_open",
    "session_prepare",
    "session_recheck",
    "session_reschedule",
    "upcoming_sessions",
    "validate_proposal",
]
