"""Every change to organisations and people: permission checked, validated, audited, atomic.

``actor`` is the signed-in user, or ``SYSTEM`` (``chaperon.core.actors``): Chaperon itself, a
command run by an operator on the server or an import it runs."""

from .common import apply_changes, full_clean_or_fail
from .groups import group_add_learners, group_create, group_remove_learners
from .guardians import (
    GUARDIAN_FIELDS,
    guardian_create,
    guardian_create_for_learner,
    guardian_link,
    guardian_unlink,
    guardian_update,
)
from .learners import LEARNER_FIELDS, learner_create, learner_mark_left, learner_update
from .organisations import (
    ORGANISATION_SETTINGS,
    organisation_create,
    organisation_update,
    site_create,
)
from .staff import STAFF_FIELDS, staff_create, staff_mark_left, staff_set_roles, staff_update
from .trusts import (
    trust_add_member,
    trust_add_school,
    trust_create,
    trust_remove_member,
    trust_remove_school,
)

__all__ = [
    "GUARDIAN_FIELDS",
    "LEARNER_FIELDS",
    "ORGANISATION_SETTINGS",
    "STAFF_FIELDS",
    "apply_changes",
    "full_clean_or_fail",
    "group_add_learners",
    "group_create",
    "group_remove_learners",
    "guardian_create",
    "guardian_create_for_learner",
    "guardian_link",
    "guardian_unlink",
    "guardian_update",
    "learner_create",
    "learner_mark_left",
    "learner_update",
    "organisation_create",
    "organisation_update",
    "site_create",
    "staff_create",
    "staff_mark_left",
    "staff_set_roles",
    "staff_update",
    "trust_add_member",
    "trust_add_school",
    "trust_create",
    "trust_remove_member",
    "trust_remove_school",
]
