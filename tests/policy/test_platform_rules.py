"""Approved platforms and organisation accounts (SES-11), the room's settings (ROOM-1 to
ROOM-6) and the risk assessment when the session opens (SES-13)."""

import dataclasses

import pytest

from chaperon.policy.engine import default_policy

from .plans import DROP, changed, failed, judge, one_to_one


@pytest.mark.clause("SES-11")
@pytest.mark.parametrize("platform", ["zoom", None, DROP])
def test_a_platform_that_is_not_approved_is_blocked(platform: object) -> None:
    verdict = judge(changed(one_to_one(), session__platform=platform))
    assert failed(verdict) == [("platform.approved", "block", None)]
    assert verdict.findings[0].clause == "SES-11"
    assert verdict.findings[0].message.endswith("approved platforms: builtin.")


@pytest.mark.clause("SES-11")
def test_the_approved_platforms_are_the_policys() -> None:
    policy = dataclasses.replace(default_policy(), approved_platforms=("builtin", "zoom"))
    assert judge(changed(one_to_one(), session__platform="zoom"), policy).decision == "allow"


@pytest.mark.clause("SES-11")
@pytest.mark.parametrize("account", ["personal", "", None, DROP])
def test_only_an_organisation_account_will_do(account: object) -> None:
    verdict = judge(changed(one_to_one(), session__account=account))
    assert failed(verdict) == [("platform.account", "block", None)]
    assert verdict.findings[0].clause == "SES-11"


SETTINGS = [
    pytest.param(
        "waiting_room", False, "platform.waiting_room", marks=pytest.mark.clause("ROOM-1")
    ),
    pytest.param("passcode", False, "platform.passcode", marks=pytest.mark.clause("ROOM-2")),
    pytest.param("host_video", False, "platform.video", marks=pytest.mark.clause("ROOM-3")),
    pytest.param("participant_video", False, "platform.video", marks=pytest.mark.clause("ROOM-3")),
    pytest.param(
        "participant_screen_share",
        True,
        "platform.screen_share",
        marks=pytest.mark.clause("ROOM-4"),
    ),
    pytest.param("participant_rename", True, "platform.rename", marks=pytest.mark.clause("ROOM-5")),
    pytest.param(
        "lock_when_all_arrived", False, "platform.lock", marks=pytest.mark.clause("ROOM-6")
    ),
]
CLAUSES = {
    "platform.waiting_room": "ROOM-1",
    "platform.passcode": "ROOM-2",
    "platform.video": "ROOM-3",
    "platform.screen_share": "ROOM-4",
    "platform.rename": "ROOM-5",
    "platform.lock": "ROOM-6",
}


@pytest.mark.parametrize(("setting", "wrong", "rule"), SETTINGS)
def test_each_room_setting_must_be_as_the_policy_asks(setting: str, wrong: bool, rule: str) -> None:
    for value in (wrong, None, DROP):
        verdict = judge(changed(one_to_one(), **{f"session__settings__{setting}": value}))
        assert failed(verdict) == [(rule, "block", None)], value
        assert verdict.findings[0].clause == CLAUSES[rule]


@pytest.mark.clause("ROOM-1")
def test_with_no_settings_known_every_setting_fails_closed() -> None:
    for settings in (DROP, None, {}):
        verdict = judge(changed(one_to_one(), session__settings=settings))
        assert [rule for rule, _outcome, _subject in failed(verdict)] == list(CLAUSES)
        assert verdict.decision == "block"


@pytest.mark.clause("SES-13")
@pytest.mark.parametrize("done", [False, None, DROP])
def test_a_session_opens_only_after_its_risk_assessment(done: object) -> None:
    plan = changed(one_to_one(stage="start"), session__risk_assessment_done=done)
    verdict = judge(plan)
    assert failed(verdict) == [("session.risk_assessment", "block", None)]
    assert verdict.findings[0].clause == "SES-13"
    # At booking it is not asked yet.
    assert judge(changed(plan, session__stage="book")).decision == "allow"
    assert judge(changed(plan, session__stage=DROP)).decision == "allow"  # "book" by default


@pytest.mark.clause("SES-13")
def test_opening_checks_every_booking_rule_again() -> None:
    plan = changed(
        one_to_one(stage="start"), session__duration_minutes=50, staff__0__dbs_checked_on=None
    )
    assert failed(judge(plan)) == [
        ("duration.max", "needs_exception", None),
        ("staff.dbs", "block", "st1"),
    ]
