"""What governance adds to the dashboard: the member of staff's own training that needs doing
(ORG-3). Registered in ``apps.py``."""

from typing import Any

from chaperon.people.models import User

from .selectors import my_training
from .training import TrainingStatus

NEEDS_DOING = (TrainingStatus.NEVER, TrainingStatus.EXPIRED, TrainingStatus.EXPIRING)


def my_training_panel(user: User) -> dict[str, Any] | None:
    """The courses the user must take that are not done, lapsed or about to lapse."""
    mine = my_training(user)
    if mine is None:
        return None
    due = [course for course in mine if course.status in NEEDS_DOING]
    if not due:
        return None
    return {"due": due}
