"""The sessions panel of the dashboard."""

from typing import Any

from chaperon.people.models import User

from . import selectors
from .permissions import may_book, oversees

# The soonest sessions no longer allowed that the dashboard names; the rest are counted.
FLAGGED_SHOWN = 10
UPCOMING_SHOWN = 5


def sessions_panel(user: User) -> dict[str, Any] | None:
    if not (may_book(user) or oversees(user)):
        return None
    # The panel shows titles and times only: neither organisers nor learners are read.
    upcoming = selectors.session_list_visible_to(user).select_related(None).prefetch_related(None)
    flagged = selectors.flagged_among(upcoming)
    shown = list(flagged[:FLAGGED_SHOWN])
    return {
        "flagged": shown,
        "flagged_count": len(shown) if len(shown) < FLAGGED_SHOWN else flagged.count(),
        "exceptions": selectors.exceptions_awaiting(user),
        "upcoming": list(upcoming[:UPCOMING_SHOWN]),
    }
