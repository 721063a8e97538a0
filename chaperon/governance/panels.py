"""The dashboard panel of governance: what is overdue for those who look after it. The
filtering reports not checked for more than a term or reviewed for more than a year (ORG-5),
and how many staff have not yet agreed to the staff agreement in force (ORG-2). Figures
only: the names are on the pages they link to."""

from typing import Any

from chaperon.people.models import User

from .permissions import may_act_on_filtering, may_publish_agreements
from .selectors import filtering_oversight, staff_not_agreed_count


def governance_panel(user: User) -> dict[str, Any] | None:
    shown: dict[str, Any] = {}
    if may_act_on_filtering(user):
        oversight = filtering_oversight(user, today=user.organisation.today())
        if oversight.check_overdue or oversight.review_overdue:
            shown["filtering"] = oversight
    if may_publish_agreements(user):
        waiting = staff_not_agreed_count(user.organisation_id)
        if waiting:
            shown["not_agreed"] = waiting
    return shown or None
