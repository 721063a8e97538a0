"""What meeting records add to other pages: the dashboard's records still to write, and the
record's section of its session's page (LOG-1). Registered in ``apps.py``."""

from typing import Any

from django.utils import timezone

from chaperon.people.models import User
from chaperon.sessions.models import Session

from .selectors import record_due_by, record_link_for, records_due_for


def records_due_panel(user: User) -> dict[str, Any] | None:
    """The dashboard panel: the records the user has still to write."""
    due = records_due_for(user)
    if not due:
        return None
    now = timezone.now()
    rows = [(session, record_due_by(session)) for session in due]
    return {
        "due": [
            {"session": session, "due_by": due_by, "late": due_by <= now}
            for session, due_by in rows
        ]
    }


def session_record_panel(viewer: User, session: Session) -> dict[str, Any] | None:
    """On the session's page: a link to the record for those who may read it, or "write the
    record" for the host once the session has ended."""
    link = record_link_for(viewer, session)
    if link is None:
        return None
    return {"session": session, "link": link}
