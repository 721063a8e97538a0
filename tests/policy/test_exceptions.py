"""Exceptions (SES-2, SES-3: "unless an exception is approved", "except in exceptional
circumstances"): a valid one turns the findings it covers from needing an exception into
excepted; it never lifts a block."""

import dataclasses

import pytest

from chaperon.policy.engine import InvalidPlan, default_policy

from .plans import changed, failed, judge, one_to_one


def exception(**fields: object) -> dict:
    return {
        "approved_by_role": "slt",
        "approved_by": "st9",
        "reason": "Careers interview that cannot be split; parent agreed",
        "covers": ["duration.max"],
    } | fields


def long_session(**fields: object) -> dict:
    return one_to_one(duration_minutes=60, exception=exception(**fields))


@pytest.mark.clause("SES-3")
@pytest.mark.parametrize(
    ("role", "words"), [("slt", "a senior leader"), ("dsl", "the Designated Safeguarding Lead")]
)
def test_a_valid_exception_lets_a_long_session_go_ahead(role: str, words: str) -> None:
    verdict = judge(long_session(approved_by_role=role))
    assert verdict.decision == "allow"
    assert failed(verdict) == [("duration.max", "excepted", None)]
    assert verdict.findings[0].message == (
        f"The session lasts 60 minutes; the limit is 45. An exception approved by st9, {words}, "
        "covers it."
    )


@pytest.mark.clause("SES-3")
@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"approved_by_role": "teacher"}, "the role teacher may not approve exceptions"),
        ({"approved_by_role": "deputy_dsl"}, "the role deputy_dsl may not approve exceptions"),
        ({"approved_by_role": ""}, "the role (none) may not approve exceptions"),
        ({"reason": ""}, "no reason is given"),
        ({"reason": "  \n\t"}, "no reason is given"),
        ({"approved_by": " "}, "the approver is not named"),
    ],
)
def test_an_exception_without_an_approver_role_reason_or_name_does_not_count(
    fields: dict, why: str
) -> None:
    verdict = judge(long_session(**fields))
    assert verdict.decision == "needs_exception"
    assert failed(verdict) == [("duration.max", "needs_exception", None)]
    assert f"The exception given does not count: {why}" in verdict.findings[0].message


@pytest.mark.clause("SES-3")
def test_the_approvers_are_the_policys() -> None:
    deputies = dataclasses.replace(default_policy(), exception_approvers=("deputy_dsl",))
    assert judge(long_session(approved_by_role="deputy_dsl"), deputies).decision == "allow"
    assert judge(long_session(approved_by_role="slt"), deputies).decision == "needs_exception"
    nobody = dataclasses.replace(default_policy(), exception_approvers=())
    verdict = judge(long_session(), nobody)
    assert verdict.decision == "needs_exception"
    assert "(approvers: nobody)" in verdict.findings[0].message


@pytest.mark.clause("SES-2")
def test_an_exception_covers_only_the_rules_it_names() -> None:
    plan = long_session(covers=["time.working_hours"])
    plan["session"]["start"] = "2026-11-23T07:30:00Z"
    plan["learners"][0]["agreed_slots"][0]["from"] = "07:00"
    verdict = judge(plan)
    assert failed(verdict) == [
        ("time.working_hours", "excepted", None),
        ("duration.max", "needs_exception", None),
    ]
    assert verdict.decision == "needs_exception"
    both = changed(plan, session__exception__covers=["time.working_hours", "duration.max"])
    assert judge(both).decision == "allow"


@pytest.mark.clause("SES-2")
def test_an_exception_covers_every_learner_of_its_rule() -> None:
    plan = one_to_one(exception=exception(covers=["frequency.weekly"]))
    plan["learners"][0]["other_sessions_starts"] = ["2026-11-24T10:00:00Z"]
    assert failed(judge(plan)) == [("frequency.weekly", "excepted", "ln1")]


@pytest.mark.clause("SES-9")
def test_an_exception_never_lifts_a_block() -> None:
    plan = long_session(covers=["duration.max", "consent.participation", "platform.approved"])
    plan["learners"][0]["consent"]["participation"] = "withdrawn"
    plan["session"]["platform"] = "zoom"
    verdict = judge(plan)
    assert verdict.decision == "block"
    assert failed(verdict) == [
        ("consent.participation", "block", "ln1"),
        ("duration.max", "excepted", None),
        ("platform.approved", "block", None),
    ]
    # Nor does it quieten a warning.
    warned = changed(
        one_to_one(exception=exception(covers=["attendance.facilitator_invited"])),
        other_adults=[],
    )
    assert failed(judge(warned)) == [("attendance.facilitator_invited", "warn", None)]


@pytest.mark.clause("SES-3")
def test_an_exception_for_a_rule_that_does_not_exist_is_refused() -> None:
    with pytest.raises(InvalidPlan) as refused:
        judge(long_session(covers=["duration.max", "duration.maximum"]))
    assert str(refused.value) == (
        'session.exception.covers[1]: "duration.maximum" is not a rule identifier '
        "(such as duration.max)"
    )


@pytest.mark.clause("SES-3")
def test_an_exception_when_nothing_needs_one_changes_nothing() -> None:
    verdict = judge(one_to_one(exception=exception()))
    assert verdict.decision == "allow"
    assert verdict.findings == ()
