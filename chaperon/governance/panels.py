"""What governance adds to the dashboard. For those who look after each part, what is
overdue: the filtering reports not checked for more than a term or reviewed for more than a
year (ORG-5), and how many staff have not yet agreed to the staff agreement in force (ORG-2);
figures only, the names are on the pages they link to. For every member of staff, their own
training that needs doing (ORG-3). On a session's page, the learners' and their parents'
acceptable use agreements (ORG-2). Registered in ``apps.py``."""

from typing import Any

from chaperon.people.models import User

from .agreements import current_version
from .models import Audience
from .permissions import may_act_on_filtering, may_publish_agreements
from .selectors import filtering_overdue, my_training, session_agreements, staff_not_agreed_count
from .training import TrainingStatus

NEEDS_DOING = (TrainingStatus.NEVER, TrainingStatus.EXPIRED, TrainingStatus.EXPIRING)


def governance_panel(user: User) -> dict[str, Any] | None:
    shown: dict[str, Any] = {}
    if may_act_on_filtering(user):
        overdue = filtering_overdue(user.organisation_id, today=user.organisation.today())
        if overdue.check_overdue or overdue.review_overdue:
            shown["filtering"] = overdue
    if may_publish_agreements(user):
        waiting = staff_not_agreed_count(user.organisation_id)
        if waiting:
            shown["not_agreed"] = waiting
    return shown or None


def my_training_panel(user: User) -> dict[str, Any] | None:
    """The courses the user must take that are not done, lapsed or about to lapse."""
    mine = my_training(user)
    if mine is None:
        return None
    due = [course for course in mine if course.status in NEEDS_DOING]
    if not due:
        return None
    return {"due": due}


def session_agreements_panel(viewer: User, session: Any) -> dict[str, Any] | None:
    """On a session's page, with its checks: whether each learner agreed to their acceptable
    use agreement, and how many of their parents and carers agreed to theirs (ORG-2). Nothing
    when the organisation has published neither."""
    learners = list(session.learners.order_by("last_name", "first_name", "pk"))
    if not learners:
        return None
    rows = session_agreements(session.organisation, learners)
    parents_published = current_version(session.organisation_id, Audience.PARENT) is not None
    if not parents_published and all(row.version is None for row in rows):
        return None
    return {"rows": rows, "parents_published": parents_published}
