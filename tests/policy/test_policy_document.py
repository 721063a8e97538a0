"""The policy document: the default shipped with Chaperon, an organisation's own file, and
refusals that name the field."""

from datetime import time
from importlib.resources import files
from pathlib import Path

import pytest

from chaperon.people.roles import Role
from chaperon.policy.engine import InvalidPolicy, default_policy, load_policy, policy_from_yaml
from chaperon.policy.engine.document import APPROVER_ROLES, FIELDS, read_yaml

from .plans import judge, one_to_one

DEFAULT_TEXT = files("chaperon.policy.engine").joinpath("default.yaml").read_text(encoding="utf-8")

TRUST_POLICY = """\
name: harbour-trust
version: 3
time_zone: Europe/London
working_days: [mon, tue, wed, thu, fri, sat]
working_hours_start: 08:00
working_hours_end: 18:30
max_duration_minutes: 60
max_sessions_per_week: 2
dbs_valid_years: 3
training_valid_years: 2
aup_valid_years: 1
approved_platforms: [builtin, teams]
exception_approvers: [dsl, deputy_dsl]
"""


def test_the_default_policy_holds_the_values_of_the_session_policy() -> None:
    policy = default_policy()
    assert policy.label == "default@1"
    assert policy.time_zone == "Europe/London"
    assert policy.working_days == (0, 1, 2, 3, 4)
    assert (policy.working_hours_start, policy.working_hours_end) == (time(8, 30), time(17, 0))
    assert policy.max_duration_minutes == 45
    assert policy.max_sessions_per_week == 1
    assert (policy.dbs_valid_years, policy.training_valid_years, policy.aup_valid_years) == (
        3,
        1,
        1,
    )
    assert policy.approved_platforms == ("builtin",)
    assert policy.exception_approvers == ("slt", "dsl")


def test_the_default_policy_is_a_file_in_the_package_with_every_field() -> None:
    assert policy_from_yaml(DEFAULT_TEXT) == default_policy()
    for name in FIELDS:
        assert f"\n{name}: " in DEFAULT_TEXT


def test_an_organisation_policy_file_is_read_with_every_value(tmp_path: Path) -> None:
    path = tmp_path / "harbour-trust.yaml"
    path.write_text(TRUST_POLICY, encoding="utf-8")
    policy = load_policy(path)
    assert policy.label == "harbour-trust@3"
    assert policy.working_days == (0, 1, 2, 3, 4, 5)
    # Unquoted times stay times (YAML 1.1 would read 18:30 as the number 1110).
    assert (policy.working_hours_start, policy.working_hours_end) == (time(8, 0), time(18, 30))
    assert policy.max_duration_minutes == 60
    assert policy.max_sessions_per_week == 2
    assert policy.training_valid_years == 2
    assert policy.approved_platforms == ("builtin", "teams")
    assert policy.exception_approvers == ("dsl", "deputy_dsl")
    verdict = judge(one_to_one(duration_minutes=60, platform="teams"), policy)
    assert (verdict.decision, verdict.policy) == ("allow", "harbour-trust@3")


def _with(field: str, value: str) -> str:
    lines = [
        f"{field}: {value}" if line.startswith(f"{field}:") else line
        for line in TRUST_POLICY.splitlines()
    ]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "max_duration_minutes",
            "0",
            "max_duration_minutes: must be a whole number of minutes between 1 and 480",
        ),
        (
            "max_duration_minutes",
            "481",
            "max_duration_minutes: must be a whole number of minutes between 1 and 480",
        ),
        (
            "max_duration_minutes",
            "45.5",
            "max_duration_minutes: must be a whole number of minutes between 1 and 480",
        ),
        (
            "max_duration_minutes",
            '"45"',
            "max_duration_minutes: must be a whole number of minutes between 1 and 480",
        ),
        (
            "max_duration_minutes",
            "true",
            "max_duration_minutes: must be a whole number of minutes between 1 and 480",
        ),
        (
            "max_sessions_per_week",
            "0",
            "max_sessions_per_week: must be a whole number of sessions between 1 and 50",
        ),
        (
            "dbs_valid_years",
            "0",
            "dbs_valid_years: must be a whole number of years between 1 and 10",
        ),
        (
            "training_valid_years",
            "11",
            "training_valid_years: must be a whole number of years between 1 and 10",
        ),
        (
            "aup_valid_years",
            "~",
            "aup_valid_years: must be a whole number of years between 1 and 10",
        ),
        ("version", "one", "version: must be a whole number between 1 and 1000000"),
        ("version", "0", "version: must be a whole number between 1 and 1000000"),
        (
            "name",
            "my policy",
            "name: must be 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        ),
        (
            "name",
            "trust@2",
            "name: must be 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        ),
        (
            "time_zone",
            "Europe/Londres",
            "time_zone: not a known time zone; use a name such as Europe/London",
        ),
        (
            "time_zone",
            "../../etc/passwd",
            "time_zone: not a known time zone; use a name such as Europe/London",
        ),
        ("time_zone", "", "time_zone: not a known time zone; use a name such as Europe/London"),
        (
            "working_days",
            "[mon, funday]",
            "working_days[1]: not a day; use mon, tue, wed, thu, fri, sat or sun",
        ),
        ("working_days", "[mon, mon]", "working_days[1]: mon is listed twice"),
        ("working_days", "[]", "working_days: must name at least one day"),
        (
            "working_days",
            "mon-fri",
            "working_days: must be a list of days such as [mon, tue, wed, thu, fri]",
        ),
        (
            "working_hours_start",
            '"8.30"',
            'working_hours_start: must be a time of day as "HH:MM" (24-hour clock), e.g. "08:30"',
        ),
        (
            "working_hours_start",
            "25:00",
            'working_hours_start: must be a time of day as "HH:MM" (24-hour clock), e.g. "08:30"',
        ),
        ("working_hours_end", "07:00", "working_hours_end: must be later than working_hours_start"),
        ("approved_platforms", "[]", "approved_platforms: must list at least one platform"),
        (
            "approved_platforms",
            "[builtin, Zoom Personal]",
            "approved_platforms[1]: must be a platform name of lower-case letters, digits, "
            "'.', '_' or '-'",
        ),
        (
            "approved_platforms",
            "[builtin, builtin]",
            "approved_platforms[1]: builtin is listed twice",
        ),
        ("approved_platforms", "builtin", "approved_platforms: must be a list of platforms"),
        (
            "exception_approvers",
            "[dsl, teacher]",
            "exception_approvers[1]: 'teacher' may not approve exceptions; "
            "choose from slt, dsl, deputy_dsl",
        ),
        ("exception_approvers", "[dsl, dsl]", "exception_approvers[1]: dsl is listed twice"),
    ],
)
def test_an_invalid_value_is_refused_naming_the_field(field: str, value: str, message: str) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        policy_from_yaml(_with(field, value))
    assert str(refused.value) == message
    assert refused.value.field == message.split(": ")[0]


def test_every_field_is_required() -> None:
    for name in FIELDS:
        text = "\n".join(
            line for line in TRUST_POLICY.splitlines() if not line.startswith(f"{name}:")
        )
        with pytest.raises(InvalidPolicy) as refused:
            policy_from_yaml(text)
        assert str(refused.value) == f"{name}: missing; every field of the policy must be given"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TRUST_POLICY + "max_duration: 50\n", "max_duration: not a known field; the fields are "),
        (
            TRUST_POLICY + "max_duration_minutes: 50\n",
            "max_duration_minutes: given twice; keep one",
        ),
        ("name: [unclosed\n", "policy: not valid YAML: "),
        ("- name\n- version\n", "policy: must be a YAML mapping of fields"),
        ("", "policy: must be a YAML mapping of fields"),
        ("!!python/object/apply:os.system [echo unsafe]\n", "policy: not valid YAML: "),
    ],
)
def test_a_document_that_is_no_policy_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        policy_from_yaml(text)
    assert str(refused.value).startswith(message)


def test_a_file_that_cannot_be_read_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        load_policy(tmp_path / "missing.yaml")
    assert (
        str(refused.value)
        == f"policy: cannot read {tmp_path / 'missing.yaml'}: No such file or directory"
    )
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(InvalidPolicy, match=r"^policy: cannot read .*: not UTF-8 text$"):
        load_policy(binary)


def test_the_yaml_is_read_as_policies_are_before_validation() -> None:
    assert read_yaml("working_hours_end: 17:00\nmax_duration_minutes: 45\nwhen: 2026-01-01\n") == {
        "working_hours_end": "17:00",
        "max_duration_minutes": 45,
        "when": "2026-01-01",
    }
    with pytest.raises(InvalidPolicy, match=r"^version: given twice; keep one$"):
        read_yaml("version: 1\nversion: 2\n")


def test_the_approver_roles_are_staff_roles_of_chaperon() -> None:
    assert set(APPROVER_ROLES) <= {role.value for role in Role}


@pytest.mark.clause("SES-3")
def test_the_hosts_extension_allowance_is_optional_and_bounded() -> None:
    assert policy_from_yaml(TRUST_POLICY).host_extension_minutes == 0
    assert default_policy().host_extension_minutes == 0
    given = policy_from_yaml(TRUST_POLICY + "host_extension_minutes: 5\n")
    assert given.host_extension_minutes == 5
    with pytest.raises(InvalidPolicy) as refused:
        policy_from_yaml(TRUST_POLICY + "host_extension_minutes: 61\n")
    assert str(refused.value) == (
        "host_extension_minutes: must be a whole number of minutes between 0 and 60"
    )
