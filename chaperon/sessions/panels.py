"""The sessions panel of the dashboard."""

from typing import Any

from chaperon.people.models import User

from . import selectors
from .permissions import may_book, oversees


def sessions_panel(user: User) -> dict[str, Any] | None:
    if not (may_book(user) or oversees(user)):
        return None
    return {
        "flagged": list(selectors.flagged_sessions_for(user)),
        "exceptions": selectors.exceptions_awaiting(user),
        "upcoming": list(selectors.session_list_visible_to(user)[:5]),
    }
