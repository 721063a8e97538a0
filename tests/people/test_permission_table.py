"""The permission table, written out by hand: what each role may do, and who opens each page.

Everything in Chaperon reads one table (``chaperon/people/roles.py``), so a test that took its
expectations from that table would agree with a wrong grant. Here they are written out
literally: changing who may do something means changing it here too, on purpose.
"""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client, override_settings

from chaperon.people.permissions import May, can
from chaperon.people.roles import (
    PRIVILEGED_ROLES,
    SECOND_FACTOR_ROLES,
    Grant,
    Permission,
    Role,
    TrustRole,
    permissions_of,
    trust_permissions_of,
)
from chaperon.recordings.models import RecordingAccess
from chaperon.recordings.services import recording_access_set
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.recordings.helpers import make_recording, make_session

# What each role may do, whatever its organisation chooses.
ALWAYS: dict[str, set[str]] = {
    "dsl": {
        "view_staff",
        "view_staff_compliance",
        "manage_staff",
        "give_privileged_roles",
        "view_learners",
        "manage_learners",
        "import_people",
        "view_organisation",
        "manage_organisation",
        "manage_single_sign_on",
        "view_compliance_summary",
        "see_email_deliveries",
        "read_policy",
        "book_sessions",
        "oversee_sessions",
        "read_meeting_records",
        "amend_meeting_records",
        "view_and_request_consent",
        "record_consent",
        "withdraw_consent",
        "edit_consent_statement",
        "raise_concerns",
        "handle_concerns",
        "transfer_child_protection_files",
        "lead_safeguarding",
        "handle_subject_access",
        "play_recordings",
        "hold_recordings",
        "choose_who_plays_recordings",
        "join_online_safety_group",
        "publish_aup",
        "read_filtering_reports",
        "act_on_filtering_reports",
        "read_board_report",
        "write_board_report",
        "set_board_meetings",
        "read_annual_review",
        "write_annual_review",
        "read_self_review",
        "make_self_review",
    },
    "deputy_dsl": {
        "view_staff",
        "view_staff_compliance",
        "give_privileged_roles",
        "view_learners",
        "manage_learners",
        "view_organisation",
        "view_compliance_summary",
        "see_email_deliveries",
        "read_policy",
        "book_sessions",
        "oversee_sessions",
        "read_meeting_records",
        "amend_meeting_records",
        "view_and_request_consent",
        "record_consent",
        "withdraw_consent",
        "edit_consent_statement",
        "raise_concerns",
        "handle_concerns",
        "handle_subject_access",
        "transfer_child_protection_files",
        "hold_recordings",
        "join_online_safety_group",
        "read_filtering_reports",
        "act_on_filtering_reports",
        "read_board_report",
        "read_annual_review",
        "read_self_review",
    },
    "slt": {
        "view_staff",
        "view_staff_compliance",
        "view_learners",
        "view_organisation",
        "view_compliance_summary",
        "read_policy",
        "book_sessions",
        "oversee_sessions",
        "receive_session_notices",
        "view_and_request_consent",
        "raise_concerns",
        "handle_allegations_about_leads",
        "receive_concern_escalations",
        "join_online_safety_group",
        "publish_aup",
        "read_filtering_reports",
        "read_board_report",
        "read_annual_review",
        "read_self_review",
        "make_self_review",
    },
    "teacher": {
        "view_staff",
        "view_learners",
        "view_organisation",
        "read_policy",
        "book_sessions",
        "view_and_request_consent",
        "raise_concerns",
    },
    "ict": {
        "view_staff",
        "view_organisation",
        "read_policy",
        "raise_concerns",
        "join_online_safety_group",
        "be_ict_lead",
        "read_filtering_reports",
        "act_on_filtering_reports",
    },
    "board": {
        "view_staff",
        "view_organisation",
        "view_compliance_summary",
        "read_policy",
        "raise_concerns",
        "join_online_safety_group",
        "be_safeguarding_champion",
        "read_board_report",
        "read_annual_review",
        "sign_off_annual_review",
        "read_self_review",
    },
    "admin": {
        "view_staff",
        "view_staff_compliance",
        "manage_staff",
        "view_learners",
        "manage_learners",
        "import_people",
        "view_organisation",
        "manage_organisation",
        "manage_single_sign_on",
        "view_compliance_summary",
        "see_email_deliveries",
        "read_policy",
        "view_and_request_consent",
        "record_consent",
        "withdraw_consent",
        "edit_consent_statement",
        "raise_concerns",
        "publish_aup",
        "set_board_meetings",
    },
}
# What each organisation settles for itself: which of these roles also hold the permission.
SETTLED_BY_EACH_ORGANISATION: dict[str, dict[str, str]] = {
    # The organisation's session policy names the approvers (the default policy: slt and dsl).
    "approve_exceptions": {"dsl": "if chosen", "deputy_dsl": "if chosen", "slt": "if chosen"},
    # The organisation's recording policy (the DSL always may).
    "play_recordings": {"deputy_dsl": "by default", "slt": "if chosen"},
}
# An organisation that has changed nothing: its default policy and recording policy.
BY_DEFAULT = {"approve_exceptions": {"slt", "dsl"}, "play_recordings": {"deputy_dsl"}}
# What each role held in a trust may do there (a trust settles nothing for itself).
TRUST_ALWAYS: dict[str, set[str]] = {
    "trust_dsl": {"view_trust_overview", "view_trust_safeguarding_figures"},
    "trust_board": {"view_trust_overview", "view_trust_safeguarding_figures"},
    "trust_admin": {"view_trust_overview"},
}
SECOND_FACTOR = {"dsl", "deputy_dsl", "slt", "admin"}
PRIVILEGED = {"dsl", "deputy_dsl", "slt"}

CAST_ROLES = {
    "dsl": "dsl",
    "deputy": "deputy_dsl",
    "slt": "slt",
    "teacher": "teacher",
    "teacher2": "teacher",
    "ict": "ict",
    "board": "board",
    "admin": "admin",
    "outsider": "dsl",  # of the other organisation
}
STAFF = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin"]


def test_each_role_holds_always_exactly_the_permissions_written_here() -> None:
    assert {role.value for role in Role} == set(ALWAYS)
    for role in Role:
        held = {p.value for p, grant in permissions_of(role).items() if grant == Grant.ALWAYS}
        assert held == ALWAYS[role.value], role


def test_each_trust_role_holds_exactly_the_trust_permissions_written_here() -> None:
    assert {role.value for role in TrustRole} == set(TRUST_ALWAYS)
    for role in TrustRole:
        held = {permission.value for permission in trust_permissions_of(role)}
        assert held == TRUST_ALWAYS[role.value], role


def test_organisations_settle_only_these_permissions_and_within_these_bounds() -> None:
    settled = {
        permission.value: {
            role.value: permissions_of(role)[permission].value
            for role in Role
            if permissions_of(role).get(permission) not in (None, Grant.ALWAYS)
        }
        for permission in Permission
    }
    assert {name: roles for name, roles in settled.items() if roles} == (
        SETTLED_BY_EACH_ORGANISATION
    )


def test_the_roles_that_sign_in_with_a_second_factor_and_the_privileged_ones() -> None:
    assert {role.value for role in SECOND_FACTOR_ROLES} == SECOND_FACTOR
    assert {role.value for role in PRIVILEGED_ROLES} == PRIVILEGED


def _expected(role: str, permission: str) -> bool:
    return permission in ALWAYS[role] or role in BY_DEFAULT.get(permission, set())


@pytest.mark.parametrize("who", [*STAFF, "outsider"])
def test_can_answers_each_member_of_the_cast_as_written_here(cast: Cast, who: str) -> None:
    user = cast.user(who)
    answers = {permission.value: can(user, permission) for permission in Permission}
    assert answers == {name: _expected(CAST_ROLES[who], name) for name in answers}


def test_someone_no_longer_active_may_do_nothing(cast: Cast) -> None:
    cast.dsl.is_active = False
    assert not any(can(cast.dsl, permission) for permission in Permission)


POLICY = (
    "time_zone: Europe/London\nworking_days: [mon, tue, wed, thu, fri]\n"
    "working_hours_start: 08:30\nworking_hours_end: 17:00\nmax_duration_minutes: 60\n"
    "max_sessions_per_week: 3\ndbs_valid_years: 3\ntraining_valid_years: 1\n"
    "aup_valid_years: 1\napproved_platforms: [builtin]\nexception_approvers: [deputy_dsl]\n"
)


def test_an_organisations_choices_move_grants_within_the_table_only(cast: Cast) -> None:
    recording_access_set(actor=cast.dsl, roles=["slt"])
    saved = signed_in(cast.dsl).post("/policy/edit/", {"text": POLICY})
    assert saved.status_code == 302, saved.content

    assert can(cast.slt, Permission.PLAY_RECORDINGS)
    assert not can(cast.deputy, Permission.PLAY_RECORDINGS)
    assert can(cast.dsl, Permission.PLAY_RECORDINGS)  # always
    assert can(cast.deputy, Permission.APPROVE_EXCEPTIONS)
    assert not can(cast.slt, Permission.APPROVE_EXCEPTIONS)
    assert not can(cast.dsl, Permission.APPROVE_EXCEPTIONS)
    # The other organisation changed nothing: its defaults hold.
    assert can(cast.outsider, Permission.APPROVE_EXCEPTIONS)
    # A role the table does not allow, stored by some other means, grants nothing.
    RecordingAccess.objects.filter(organisation=cast.organisation).update(roles=["dsl", "teacher"])
    assert not can(cast.teacher, Permission.PLAY_RECORDINGS)


def test_the_table_in_the_documentation_is_the_table_the_code_reads() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "permission-table"
    checked = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_templates_ask_may_and_an_unknown_permission_is_false(cast: Cast) -> None:
    template = Template(
        "{% if may.book_sessions %}book{% endif %}|{% if may.manage_staff %}staff{% endif %}|"
        "{% if may.no_such_permission %}nonsense{% endif %}"
    )
    assert template.render(Context({"may": May(cast.teacher)})) == "book||"
    assert template.render(Context({"may": May(cast.admin)})) == "|staff|"


# Who opens which page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    path: str
    opens_for: frozenset[str]
    refused: int = 403  # for the cast's other members
    outsider: int = 200  # the other organisation's DSL


EVERYONE = frozenset(STAFF)


def _set(*names: str) -> frozenset[str]:
    return frozenset(names)


def _pages(cast: Cast, tmp_path: Path) -> list[Page]:
    """The session (and its recording) is organised by the teacher; ``teacher2`` is not on
    it. The concern came from the public page."""
    with override_settings(VAULT_DIR=tmp_path / "vault"):
        session = make_session(cast)
        recording = make_recording(cast, session=session)
    concern = public_concern(cast.organisation)
    staff = factories.staff_member(cast.teacher).pk
    learner, guardian = cast.learner.pk, cast.guardian.pk
    return [
        Page("/dashboard/", EVERYONE),
        Page("/staff/", EVERYONE),
        Page(f"/staff/{staff}/", EVERYONE, outsider=404),
        Page("/learners/", _set("dsl", "deputy", "slt", "teacher", "teacher2", "admin")),
        Page(
            f"/learners/{learner}/",
            _set("dsl", "deputy", "slt", "teacher", "teacher2", "admin"),
            outsider=404,
        ),
        Page(
            f"/guardians/{guardian}/",
            _set("dsl", "deputy", "slt", "teacher", "teacher2", "admin"),
            outsider=404,
        ),
        Page("/organisation/", EVERYONE),
        Page("/import/", _set("dsl", "admin")),
        Page("/accounts/single-sign-on/", _set("dsl", "admin")),
        Page("/email/", _set("dsl", "deputy", "admin")),
        Page("/accounts/tokens/", EVERYONE),
        Page("/policy/", EVERYONE),
        Page("/policy/edit/", _set("dsl", "admin")),
        Page("/sessions/platforms/", EVERYONE),
        Page("/sessions/", EVERYONE),  # the sessions they take part in: here none
        Page("/sessions/book/", _set("dsl", "deputy", "slt", "teacher", "teacher2"), 404),
        Page(f"/sessions/{session.pk}/", _set("dsl", "deputy", "slt", "teacher"), 404, 404),
        Page(f"/sessions/{session.pk}/change/", _set("dsl", "deputy", "slt", "teacher"), 404, 404),
        Page(f"/sessions/{session.pk}/record/", _set("dsl", "deputy", "teacher"), 404, 404),
        Page(f"/rooms/{session.pk}/log/", _set("dsl", "deputy", "slt", "teacher"), 404, 404),
        Page("/consent/groups/", _set("dsl", "deputy", "slt", "teacher", "teacher2", "admin")),
        Page(
            f"/consent/learners/{learner}/",
            _set("dsl", "deputy", "slt", "teacher", "teacher2", "admin"),
            outsider=404,
        ),
        Page("/consent/statement/", _set("dsl", "deputy", "admin")),
        Page("/consent/staff/", _set("dsl", "deputy", "admin")),
        Page("/consent/staff/mine/", EVERYONE),
        Page("/concerns/new/", EVERYONE),
        Page("/concerns/mine/", EVERYONE),
        Page("/concerns/", _set("dsl", "deputy")),
        Page("/concerns/tasks/", _set("dsl", "deputy")),
        Page("/concerns/export.csv", _set("dsl", "deputy")),
        Page(f"/concerns/{concern.pk}/", _set("dsl", "deputy"), 404, 404),
        Page(f"/concerns/learners/{learner}/chronology/", _set("dsl", "deputy"), outsider=404),
        Page("/recordings/", _set("dsl", "deputy")),
        Page(f"/recordings/{recording.pk}/", _set("dsl", "deputy"), outsider=404),
        Page("/governance/filtering/", _set("dsl", "deputy", "slt", "ict")),
        Page("/governance/filtering/upload/", _set("dsl", "deputy", "ict")),
    ]


@pytest.mark.parametrize("who", [*STAFF, "outsider"])
def test_each_page_opens_for_exactly_those_written_here(
    cast: Cast, tmp_path: Path, who: str
) -> None:
    client = signed_in(cast.user(who))
    for page in _pages(cast, tmp_path):
        if who == "outsider":
            expected = page.outsider
        else:
            expected = 200 if who in page.opens_for else page.refused
        assert client.get(page.path).status_code == expected, (page.path, who)


# What each page offers (templates ask ``may``): the page, the words of the button or link, and
# who of the cast sees it.
OFFERS = [
    ("/sessions/", "Book a session", _set("dsl", "deputy", "slt", "teacher", "teacher2")),
    ("/dashboard/", "Book a session", _set("dsl", "deputy", "slt", "teacher", "teacher2")),
    ("/learners/", "Add a learner", _set("dsl", "deputy", "admin")),
    ("LEARNER", "Add a parent or carer", _set("dsl", "deputy", "admin")),
    ("GUARDIAN", "Change details", _set("dsl", "deputy", "admin")),
    ("STAFF", "Change roles", _set("dsl", "admin")),
    ("STAFF", "Record checks", _set("dsl", "admin")),
    ("/organisation/", "Add a site", _set("dsl", "admin")),
    ("/organisation/", "Single sign-on: how staff sign in", _set("dsl", "admin")),
    ("/policy/", "Change the policy", _set("dsl", "admin")),
    ("/sessions/platforms/", "Add to the register", _set("dsl", "admin")),
    ("CONSENT", "Record consent given another way", _set("dsl", "deputy", "admin")),
    ("RECORDING", "Play the recording", _set("dsl", "deputy")),
    ("RECORDING", "Hold as evidence", _set("dsl", "deputy")),
    ("/governance/filtering/", "Import a report", _set("dsl", "deputy", "ict")),
    ("/governance/filtering/", "Record a check or review", _set("dsl", "deputy", "ict")),
]


@pytest.mark.parametrize("who", STAFF)
def test_each_page_offers_its_actions_to_exactly_those_written_here(
    cast: Cast, tmp_path: Path, who: str
) -> None:
    with override_settings(VAULT_DIR=tmp_path / "vault"):
        recording = make_recording(cast)
    places = {
        "LEARNER": f"/learners/{cast.learner.pk}/",
        "GUARDIAN": f"/guardians/{cast.guardian.pk}/",
        "STAFF": f"/staff/{factories.staff_member(cast.teacher).pk}/",
        "CONSENT": f"/consent/learners/{cast.learner.pk}/",
        "RECORDING": f"/recordings/{recording.pk}/",
    }
    client = signed_in(cast.user(who))
    for place, words, shown_to in OFFERS:
        response = client.get(places.get(place, place))
        body = response.content.decode() if response.status_code == 200 else ""
        assert (words in body) == (who in shown_to), (place, words, who)


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast, tmp_path: Path) -> None:
    for page in _pages(cast, tmp_path):
        response = Client().get(page.path)
        assert response.status_code == 302, page.path
        assert response["Location"].startswith("/accounts/sign-in/"), page.path
