"""Staff roles and what each may do. One table, read by pages, the API and services alike."""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    DSL = "dsl", "Designated Safeguarding Lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL / Designated Safeguarding Officer"
    SENIOR_LEADER = "slt", "Senior leader"
    TEACHER = "teacher", "Teacher / adviser"
    ICT = "ict", "ICT staff"
    BOARD = "board", "Board member / safeguarding champion"
    ADMINISTRATOR = "admin", "Administrator"


# Roles that see or change safeguarding-sensitive data sign in with a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SENIOR_LEADER, Role.ADMINISTRATOR})
# Roles that open concerns, allegations, recordings and exceptions to the policy. Only a
# safeguarding lead gives or removes them, or changes how their holders sign in (ORG-1).
PRIVILEGED_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SENIOR_LEADER})
SAFEGUARDING_LEAD_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})


class Permission(StrEnum):
    VIEW_STAFF = "view_staff"
    VIEW_STAFF_COMPLIANCE = "view_staff_compliance"
    MANAGE_STAFF = "manage_staff"
    VIEW_LEARNERS = "view_learners"
    MANAGE_LEARNERS = "manage_learners"
    IMPORT_PEOPLE = "import_people"
    VIEW_ORGANISATION = "view_organisation"
    MANAGE_ORGANISATION = "manage_organisation"
    VIEW_COMPLIANCE_SUMMARY = "view_compliance_summary"


_ALL_STAFF = frozenset(Role)
_SAFEGUARDING_LEADS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SENIOR_LEADER})

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_STAFF: _ALL_STAFF,
    Permission.VIEW_STAFF_COMPLIANCE: _SAFEGUARDING_LEADS | {Role.ADMINISTRATOR},
    Permission.MANAGE_STAFF: frozenset({Role.DSL, Role.ADMINISTRATOR}),
    Permission.VIEW_LEARNERS: _SAFEGUARDING_LEADS | {Role.TEACHER, Role.ADMINISTRATOR},
    Permission.MANAGE_LEARNERS: frozenset({Role.DSL, Role.DEPUTY_DSL, Role.ADMINISTRATOR}),
    Permission.IMPORT_PEOPLE: frozenset({Role.DSL, Role.ADMINISTRATOR}),
    Permission.VIEW_ORGANISATION: _ALL_STAFF,
    Permission.MANAGE_ORGANISATION: frozenset({Role.DSL, Role.ADMINISTRATOR}),
    Permission.VIEW_COMPLIANCE_SUMMARY: _SAFEGUARDING_LEADS | {Role.ADMINISTRATOR, Role.BOARD},
}


def roles_grant(roles: frozenset[str], permission: Permission) -> bool:
    return not roles.isdisjoint(GRANTS[permission])
