"""Who sees and who names the safeguarding team (ORG-1), who publishes the acceptable use
agreements (ORG-2), who reads and keeps the training register (ORG-3), who reads and acts on
the filtering and monitoring reports (ORG-5), and who sees the register of personal
information (ORG-7)."""

from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission


def may_see_team(user: User) -> bool:
    """Every member of staff sees the team with their work email addresses."""
    return can(user, Permission.VIEW_STAFF)


def may_name_team(user: User) -> bool:
    """Naming the team's posts and the contacts published is the organisation's to set."""
    return can(user, Permission.MANAGE_ORGANISATION)


def may_publish_agreements(user: User) -> bool:
    return can(user, Permission.PUBLISH_AUP)


def may_read_filtering(user: User) -> bool:
    """The filtering and monitoring reports say who went where (ORG-5)."""
    return can(user, Permission.READ_FILTERING_REPORTS)


def may_act_on_filtering(user: User) -> bool:
    """Import reports, raise concerns from them, record checks and reviews (ORG-5)."""
    return can(user, Permission.ACT_ON_FILTERING_REPORTS)


def may_see_personal_information(user: User) -> bool:
    """The register of personal information (ORG-7) is for those who answer for it: who runs
    the organisation's settings, and who leads safeguarding."""
    return can(user, Permission.MANAGE_ORGANISATION) or can(user, Permission.LEAD_SAFEGUARDING)


def may_read_training(user: User) -> bool:
    """The training register is a fact of each member of staff's compliance (ORG-3)."""
    return can(user, Permission.VIEW_STAFF_COMPLIANCE)


def may_manage_training(user: User) -> bool:
    """Add courses and record completions, as the staff records are kept (ORG-3)."""
    return can(user, Permission.MANAGE_STAFF)


def may_read_board_report(user: User) -> bool:
    """The board's quarterly report (ORG-6): figures, no child named."""
    return can(user, Permission.READ_BOARD_REPORT)


def may_write_board_report(user: User) -> bool:
    return can(user, Permission.WRITE_BOARD_REPORT)


def may_read_annual_review(user: User) -> bool:
    return can(user, Permission.READ_ANNUAL_REVIEW)


def may_write_annual_review(user: User) -> bool:
    return can(user, Permission.WRITE_ANNUAL_REVIEW)


def may_sign_off_annual_review(user: User) -> bool:
    return can(user, Permission.SIGN_OFF_ANNUAL_REVIEW)


def may_read_self_review(user: User) -> bool:
    return can(user, Permission.READ_SELF_REVIEW)


def may_make_self_review(user: User) -> bool:
    return can(user, Permission.MAKE_SELF_REVIEW)


def may_set_board_meetings(user: User) -> bool:
    """The days the board meets are the organisation's to set (ORG-6)."""
    return can(user, Permission.SET_BOARD_MEETINGS)
