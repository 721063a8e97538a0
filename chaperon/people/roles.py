"""Staff roles and what each may do: the one table, read by pages, templates, the API, services
and selectors alike (ORG-1).

Nothing else names a role. Code asks whether someone may do something (``people.permissions.can``
or the named predicates built on it, such as ``sessions.permissions.may_book``) and the answer
comes from ``TABLE`` below. How to add a permission: docs/permissions.md.

The policy engine, which may import nothing of Chaperon, keeps its own list of the roles a
policy may name to approve exceptions; a test holds that list to the APPROVE_EXCEPTIONS row.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    # The order is the order of the columns of ``TABLE``.
    DSL = "dsl", "Designated Safeguarding Lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL / Designated Safeguarding Officer"
    SENIOR_LEADER = "slt", "Senior leader"
    TEACHER = "teacher", "Teacher / adviser"
    ICT = "ict", "ICT staff"
    BOARD = "board", "Board member / safeguarding champion"
    ADMINISTRATOR = "admin", "Administrator"


# Roles that see or change safeguarding-sensitive data sign in with a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SENIOR_LEADER, Role.ADMINISTRATOR})
# Roles that open concerns, allegations, recordings and exceptions to the policy. Only those
# granted GIVE_PRIVILEGED_ROLES give or remove them, or change how their holders sign in.
PRIVILEGED_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SENIOR_LEADER})


class Permission(StrEnum):
    # People and the organisation
    VIEW_STAFF = "view_staff"
    VIEW_STAFF_COMPLIANCE = "view_staff_compliance"
    MANAGE_STAFF = "manage_staff"
    GIVE_PRIVILEGED_ROLES = "give_privileged_roles"
    VIEW_LEARNERS = "view_learners"
    MANAGE_LEARNERS = "manage_learners"
    IMPORT_PEOPLE = "import_people"
    VIEW_ORGANISATION = "view_organisation"
    MANAGE_ORGANISATION = "manage_organisation"
    MANAGE_SINGLE_SIGN_ON = "manage_single_sign_on"
    VIEW_COMPLIANCE_SUMMARY = "view_compliance_summary"
    SEE_EMAIL_DELIVERIES = "see_email_deliveries"
    # The policy and sessions
    READ_POLICY = "read_policy"
    BOOK_SESSIONS = "book_sessions"
    OVERSEE_SESSIONS = "oversee_sessions"
    APPROVE_EXCEPTIONS = "approve_exceptions"
    RECEIVE_SESSION_NOTICES = "receive_session_notices"
    READ_MEETING_RECORDS = "read_meeting_records"
    AMEND_MEETING_RECORDS = "amend_meeting_records"
    # Consent
    VIEW_AND_REQUEST_CONSENT = "view_and_request_consent"
    RECORD_CONSENT = "record_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    EDIT_CONSENT_STATEMENT = "edit_consent_statement"
    # Concerns
    RAISE_CONCERNS = "raise_concerns"
    HANDLE_CONCERNS = "handle_concerns"
    LEAD_SAFEGUARDING = "lead_safeguarding"
    HANDLE_ALLEGATIONS_ABOUT_LEADS = "handle_allegations_about_leads"
    RECEIVE_CONCERN_ESCALATIONS = "receive_concern_escalations"
    HANDLE_SUBJECT_ACCESS = "handle_subject_access"
    TRANSFER_CHILD_PROTECTION_FILES = "transfer_child_protection_files"
    # Recordings
    PLAY_RECORDINGS = "play_recordings"
    HOLD_RECORDINGS = "hold_recordings"
    CHOOSE_WHO_PLAYS_RECORDINGS = "choose_who_plays_recordings"
    # The safeguarding team's posts (governance)
    BE_SAFEGUARDING_CHAMPION = "be_safeguarding_champion"
    JOIN_ONLINE_SAFETY_GROUP = "join_online_safety_group"
    BE_ICT_LEAD = "be_ict_lead"
    # Acceptable use agreements (governance)
    PUBLISH_AUP = "publish_aup"
    # Filtering and monitoring reports (governance)
    READ_FILTERING_REPORTS = "read_filtering_reports"
    ACT_ON_FILTERING_REPORTS = "act_on_filtering_reports"
    # The board's quarterly report (governance)
    READ_BOARD_REPORT = "read_board_report"
    WRITE_BOARD_REPORT = "write_board_report"
    SET_BOARD_MEETINGS = "set_board_meetings"
    # The annual review of online safety (governance)
    READ_ANNUAL_REVIEW = "read_annual_review"
    WRITE_ANNUAL_REVIEW = "write_annual_review"
    SIGN_OFF_ANNUAL_REVIEW = "sign_off_annual_review"
    # The self-review (governance)
    READ_SELF_REVIEW = "read_self_review"
    MAKE_SELF_REVIEW = "make_self_review"

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


MEANINGS: dict[Permission, str] = {
    Permission.VIEW_STAFF: "see the staff list and each member of staff",
    Permission.VIEW_STAFF_COMPLIANCE: "see each member of staff's DBS, training and AUP dates",
    Permission.MANAGE_STAFF: "add staff, change their details, roles and checks",
    Permission.GIVE_PRIVILEGED_ROLES: (
        "give or remove the privileged roles (DSL, deputy, senior leader), change how their "
        "holders sign in (on top of managing staff)"
    ),
    Permission.VIEW_LEARNERS: "see learners, parents and carers",
    Permission.MANAGE_LEARNERS: "add and change learners, parents and carers and their links",
    Permission.IMPORT_PEOPLE: "import staff, learners and guardians from CSV",
    Permission.VIEW_ORGANISATION: "see the organisation's settings",
    Permission.MANAGE_ORGANISATION: (
        "change the organisation's settings, its session policy and approved platforms, and "
        "name its safeguarding team's posts and the contacts published for them"
    ),
    Permission.MANAGE_SINGLE_SIGN_ON: (
        "see and set how staff sign in with the organisation's own accounts (Entra ID or "
        "Google Workspace) and turn password sign-in off; accepting the provider's multi-factor "
        "sign-in for the second factor also needs give_privileged_roles"
    ),
    Permission.VIEW_COMPLIANCE_SUMMARY: "see the organisation's staff compliance figures",
    Permission.SEE_EMAIL_DELIVERIES: "the Email page: what became of the organisation's email",
    Permission.READ_POLICY: "read the session policy and check a plan against it",
    Permission.BOOK_SESSIONS: "book sessions (and organise them)",
    Permission.OVERSEE_SESSIONS: "see and change every session of the organisation",
    Permission.APPROVE_EXCEPTIONS: (
        "approve exceptions to the policy and more time in a live room; the organisation's "
        "policy names which of these roles do"
    ),
    Permission.RECEIVE_SESSION_NOTICES: (
        "be told of each session booked, moved or cancelled (SES-6), unless the organisation "
        "gives a senior leadership address"
    ),
    Permission.READ_MEETING_RECORDS: "read every meeting record of the organisation",
    Permission.AMEND_MEETING_RECORDS: "amend any meeting record, with a reason",
    Permission.VIEW_AND_REQUEST_CONSENT: "see which consents are in place and send requests",
    Permission.RECORD_CONSENT: (
        "record consent given another way (with its evidence), own-recording agreements, "
        "employer consent for contracted staff; open evidence files"
    ),
    Permission.WITHDRAW_CONSENT: "record a withdrawal made by phone, in person or by letter",
    Permission.EDIT_CONSENT_STATEMENT: (
        "change the consent statement, the recording policy and the consent settings"
    ),
    Permission.RAISE_CONCERNS: "raise a concern from the staff form",
    Permission.HANDLE_CONCERNS: (
        "receive, triage and handle every concern; see chronologies; be told of safeguarding "
        "matters where the organisation has no DSL"
    ),
    Permission.LEAD_SAFEGUARDING: (
        "lead cases (re-classify, suspend staff, link to another learner's chronology), see "
        "and name the handlers of every allegation not about them, be told first of "
        "safeguarding matters"
    ),
    Permission.HANDLE_ALLEGATIONS_ABOUT_LEADS: (
        "handle an allegation about someone who leads safeguarding, or one with nobody to "
        "lead it (INC-10)"
    ),
    Permission.RECEIVE_CONCERN_ESCALATIONS: (
        "be told of a concern raised out of hours or not acknowledged in time"
    ),
    Permission.HANDLE_SUBJECT_ACCESS: (
        "prepare a person's subject access export, decide which third parties in it are "
        "withheld and release it (ORG-7)"
    ),
    Permission.TRANSFER_CHILD_PROTECTION_FILES: (
        "send a learner's child protection file to their new school, and accept or decline "
        "(or import) files sent by other schools (INC-8)"
    ),
    Permission.PLAY_RECORDINGS: (
        "play recordings, for a reason; the organisation's recording policy chooses (REC-3)"
    ),
    Permission.HOLD_RECORDINGS: "hold recordings as evidence and release them (INC-4)",
    Permission.CHOOSE_WHO_PLAYS_RECORDINGS: "choose which roles may play recordings",
    Permission.BE_SAFEGUARDING_CHAMPION: "be named the board's safeguarding champion (ORG-1)",
    Permission.JOIN_ONLINE_SAFETY_GROUP: "be named to the online safety group (ORG-1)",
    Permission.BE_ICT_LEAD: "be named the ICT lead (ORG-1)",
    Permission.PUBLISH_AUP: (
        "publish a new version of an acceptable use agreement and see who has signed (ORG-2)"
    ),
    Permission.READ_FILTERING_REPORTS: (
        "read the imported filtering and monitoring reports, their entries (who was blocked "
        "or flagged, where) and when they were last checked and reviewed (ORG-5)"
    ),
    Permission.ACT_ON_FILTERING_REPORTS: (
        "import filtering and monitoring reports, raise a concern from one of their entries, "
        "record the termly check and the yearly review (ORG-5)"
    ),
    Permission.READ_BOARD_REPORT: (
        "read the board's quarterly online safety report and its PDF: figures, no child named, "
        "the exceptions granted and by whom, overdue actions by owner (ORG-6)"
    ),
    Permission.WRITE_BOARD_REPORT: "write the narrative of the board's quarterly report (ORG-6)",
    Permission.SET_BOARD_MEETINGS: (
        "set the days the board meets, before which the DSL is reminded to complete the "
        "quarterly report (ORG-6)"
    ),
    Permission.READ_ANNUAL_REVIEW: (
        "read the annual review of online safety: its risk assessment, the year's figures, the "
        "findings and actions, and its versions (ORG-6)"
    ),
    Permission.WRITE_ANNUAL_REVIEW: (
        "begin the year's review and write it: risks, findings, actions; begin a new version "
        "of one signed off (ORG-6)"
    ),
    Permission.SIGN_OFF_ANNUAL_REVIEW: (
        "sign the annual review off for the board, when they also hold the safeguarding "
        "champion's post (ORG-6)"
    ),
    Permission.READ_SELF_REVIEW: (
        "read the self-reviews of the organisation's online safety arrangements and their "
        "radar charts (ORG-8)"
    ),
    Permission.MAKE_SELF_REVIEW: "rate the arrangements in a new self-review (ORG-8)",
}


class Grant(StrEnum):
    ALWAYS = "yes"
    BY_DEFAULT = "by default"  # unless the organisation takes it away
    IF_CHOSEN = "if chosen"  # only where the organisation gives it


Y, D, C, N = Grant.ALWAYS, Grant.BY_DEFAULT, Grant.IF_CHOSEN, None
P = Permission

# fmt: off
# The columns are the roles in the order of ``Role``. D and C rows are settled by each
# organisation, within these bounds, through ``people.permissions.register_organisation_choice``.
TABLE: dict[Permission, tuple[Grant | None, ...]] = {
    #                                   dsl deputy slt teacher ict board admin
    P.VIEW_STAFF:                      (Y,  Y,     Y,  Y,      Y,  Y,    Y),
    P.VIEW_STAFF_COMPLIANCE:           (Y,  Y,     Y,  N,      N,  N,    Y),
    P.MANAGE_STAFF:                    (Y,  N,     N,  N,      N,  N,    Y),
    P.GIVE_PRIVILEGED_ROLES:           (Y,  Y,     N,  N,      N,  N,    N),
    P.VIEW_LEARNERS:                   (Y,  Y,     Y,  Y,      N,  N,    Y),
    P.MANAGE_LEARNERS:                 (Y,  Y,     N,  N,      N,  N,    Y),
    P.IMPORT_PEOPLE:                   (Y,  N,     N,  N,      N,  N,    Y),
    P.VIEW_ORGANISATION:               (Y,  Y,     Y,  Y,      Y,  Y,    Y),
    P.MANAGE_ORGANISATION:             (Y,  N,     N,  N,      N,  N,    Y),
    P.MANAGE_SINGLE_SIGN_ON:           (Y,  N,     N,  N,      N,  N,    Y),
    P.VIEW_COMPLIANCE_SUMMARY:         (Y,  Y,     Y,  N,      N,  Y,    Y),
    P.SEE_EMAIL_DELIVERIES:            (Y,  Y,     N,  N,      N,  N,    Y),
    P.READ_POLICY:                     (Y,  Y,     Y,  Y,      Y,  Y,    Y),
    P.BOOK_SESSIONS:                   (Y,  Y,     Y,  Y,      N,  N,    N),
    P.OVERSEE_SESSIONS:                (Y,  Y,     Y,  N,      N,  N,    N),
    P.APPROVE_EXCEPTIONS:              (C,  C,     C,  N,      N,  N,    N),
    P.RECEIVE_SESSION_NOTICES:         (N,  N,     Y,  N,      N,  N,    N),
    P.READ_MEETING_RECORDS:            (Y,  Y,     N,  N,      N,  N,    N),
    P.AMEND_MEETING_RECORDS:           (Y,  Y,     N,  N,      N,  N,    N),
    P.VIEW_AND_REQUEST_CONSENT:        (Y,  Y,     Y,  Y,      N,  N,    Y),
    P.RECORD_CONSENT:                  (Y,  Y,     N,  N,      N,  N,    Y),
    P.WITHDRAW_CONSENT:                (Y,  Y,     N,  N,      N,  N,    Y),
    P.EDIT_CONSENT_STATEMENT:          (Y,  Y,     N,  N,      N,  N,    Y),
    P.RAISE_CONCERNS:                  (Y,  Y,     Y,  Y,      Y,  Y,    Y),
    P.HANDLE_CONCERNS:                 (Y,  Y,     N,  N,      N,  N,    N),
    P.LEAD_SAFEGUARDING:               (Y,  N,     N,  N,      N,  N,    N),
    P.HANDLE_ALLEGATIONS_ABOUT_LEADS:  (N,  N,     Y,  N,      N,  N,    N),
    P.RECEIVE_CONCERN_ESCALATIONS:     (N,  N,     Y,  N,      N,  N,    N),
    P.HANDLE_SUBJECT_ACCESS:           (Y,  Y,     N,  N,      N,  N,    N),
    P.TRANSFER_CHILD_PROTECTION_FILES: (Y,  Y,     N,  N,      N,  N,    N),
    P.PLAY_RECORDINGS:                 (Y,  D,     C,  N,      N,  N,    N),
    P.HOLD_RECORDINGS:                 (Y,  Y,     N,  N,      N,  N,    N),
    P.CHOOSE_WHO_PLAYS_RECORDINGS:     (Y,  N,     N,  N,      N,  N,    N),
    P.BE_SAFEGUARDING_CHAMPION:        (N,  N,     N,  N,      N,  Y,    N),
    P.JOIN_ONLINE_SAFETY_GROUP:        (Y,  Y,     Y,  N,      Y,  Y,    N),
    P.BE_ICT_LEAD:                     (N,  N,     N,  N,      Y,  N,    N),
    P.PUBLISH_AUP:                     (Y,  N,     Y,  N,      N,  N,    Y),
    P.READ_FILTERING_REPORTS:          (Y,  Y,     Y,  N,      Y,  N,    N),
    P.ACT_ON_FILTERING_REPORTS:        (Y,  Y,     N,  N,      Y,  N,    N),
    P.READ_BOARD_REPORT:               (Y,  Y,     Y,  N,      N,  Y,    N),
    P.WRITE_BOARD_REPORT:              (Y,  N,     N,  N,      N,  N,    N),
    P.SET_BOARD_MEETINGS:              (Y,  N,     N,  N,      N,  N,    Y),
    P.READ_ANNUAL_REVIEW:              (Y,  Y,     Y,  N,      N,  Y,    N),
    P.WRITE_ANNUAL_REVIEW:             (Y,  N,     N,  N,      N,  N,    N),
    P.SIGN_OFF_ANNUAL_REVIEW:          (N,  N,     N,  N,      N,  Y,    N),
    P.READ_SELF_REVIEW:                (Y,  Y,     Y,  N,      N,  Y,    N),
    P.MAKE_SELF_REVIEW:                (Y,  N,     Y,  N,      N,  N,    N),
}
# fmt: on

GRANTS: dict[Permission, dict[Role, Grant]] = {
    permission: {role: grant for role, grant in zip(Role, row, strict=True) if grant is not None}
    for permission, row in TABLE.items()
}


def organisation_chooses(permission: Permission) -> bool:
    """Whether each organisation settles who holds ``permission`` (within the table)."""
    return any(grant != Grant.ALWAYS for grant in GRANTS[permission].values())


def roles_with(permission: Permission, *, chosen: Iterable[str] | None = None) -> frozenset[Role]:
    """The roles that hold ``permission``: for one the organisation settles, those it has
    ``chosen`` (its own setting; ``None``: as the table has it by default) within the table,
    and those that hold it always."""
    row = GRANTS[permission]
    picked = frozenset(chosen) if chosen is not None else None
    return frozenset(
        role
        for role, grant in row.items()
        if grant == Grant.ALWAYS
        or (picked is None and grant == Grant.BY_DEFAULT)
        or (picked is not None and role in picked)
    )


def roles_that_may_be_given(permission: Permission) -> frozenset[Role]:
    """Every role the table lets hold ``permission``, whatever organisations choose."""
    return frozenset(GRANTS[permission])


def roles_an_organisation_chooses(permission: Permission) -> list[Role]:
    """The roles each organisation gives ``permission`` or not, in the order of ``Role``."""
    return [role for role, grant in GRANTS[permission].items() if grant != Grant.ALWAYS]


def roles_grant(
    roles: Iterable[str], permission: Permission, *, chosen: Iterable[str] | None = None
) -> bool:
    """Whether any of ``roles`` holds ``permission``. For a permission the organisation settles,
    ``chosen`` is its setting and must be given."""
    if chosen is None and organisation_chooses(permission):
        raise ValueError(f"{permission} is settled by each organisation: pass its choice")
    return not frozenset(roles).isdisjoint(roles_with(permission, chosen=chosen))


def permissions_of(role: Role) -> dict[Permission, Grant]:
    """The table's column for ``role``."""
    return {permission: row[role] for permission, row in GRANTS.items() if role in row}


# Trusts ----------------------------------------------------------------------------------------
# A trust's roles are held in the trust (``TrustMembership``), not in one of its schools: they
# open the trust's pages, which show figures of its schools and never a record of a person.
# Within a school, someone is only what their staff roles above make them.


class TrustRole(models.TextChoices):
    # The order is the order of the columns of ``TRUST_TABLE``.
    TRUST_DSL = "trust_dsl", "Trust DSL"
    TRUST_BOARD = "trust_board", "Trust board member"
    TRUST_ADMINISTRATOR = "trust_admin", "Trust administrator"


class TrustPermission(StrEnum):
    VIEW_TRUST_OVERVIEW = "view_trust_overview"
    VIEW_TRUST_SAFEGUARDING_FIGURES = "view_trust_safeguarding_figures"

    @property
    def meaning(self) -> str:
        return TRUST_MEANINGS[self]


TRUST_MEANINGS: dict[TrustPermission, str] = {
    TrustPermission.VIEW_TRUST_OVERVIEW: (
        "see the trust's schools and, for each and in total, counts of staff whose checks are "
        "up to date, sessions this term, consent requests outstanding and recordings kept"
    ),
    TrustPermission.VIEW_TRUST_SAFEGUARDING_FIGURES: (
        "also see counts of flagged sessions and of open concerns by status and by category "
        "(counts only: no names, no references)"
    ),
}

TP = TrustPermission
# fmt: off
# Every cell is always or never: a trust settles nothing for itself.
TRUST_TABLE: dict[TrustPermission, tuple[Grant | None, ...]] = {
    #                                      trust_dsl trust_board trust_admin
    TP.VIEW_TRUST_OVERVIEW:               (Y,        Y,          Y),
    TP.VIEW_TRUST_SAFEGUARDING_FIGURES:   (Y,        Y,          N),
}
# fmt: on

TRUST_GRANTS: dict[TrustPermission, frozenset[TrustRole]] = {
    permission: frozenset(role for role, grant in zip(TrustRole, row, strict=True) if grant)
    for permission, row in TRUST_TABLE.items()
}


def trust_roles_grant(roles: Iterable[str], permission: TrustPermission) -> bool:
    """Whether any of ``roles`` (trust roles) holds ``permission``."""
    return not frozenset(roles).isdisjoint(TRUST_GRANTS[permission])


def trust_permissions_of(role: TrustRole) -> set[TrustPermission]:
    """The trust table's column for ``role``."""
    return {permission for permission, roles in TRUST_GRANTS.items() if role in roles}
