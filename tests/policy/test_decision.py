"""The decision the findings add up to, the verdict's shape and its order."""

import json

import pytest

from chaperon.policy.engine import (
    Decision,
    Finding,
    Outcome,
    Verdict,
    default_policy,
    evaluate,
    parse_plan,
)

from .plans import changed, failed, group, judge, one_to_one


def verdict_of(*outcomes: Outcome) -> Verdict:
    findings = tuple(
        Finding(f"rule.{n}", outcome, "SES-3", None, "m") for n, outcome in enumerate(outcomes)
    )
    return Verdict.of("default@1", findings)


@pytest.mark.parametrize(
    ("outcomes", "decision"),
    [
        ((), Decision.ALLOW),
        ((Outcome.WARN,), Decision.ALLOW),
        ((Outcome.EXCEPTED, Outcome.WARN), Decision.ALLOW),
        ((Outcome.NEEDS_EXCEPTION, Outcome.EXCEPTED), Decision.NEEDS_EXCEPTION),
        ((Outcome.WARN, Outcome.NEEDS_EXCEPTION), Decision.NEEDS_EXCEPTION),
        ((Outcome.NEEDS_EXCEPTION, Outcome.BLOCK), Decision.BLOCK),
        ((Outcome.EXCEPTED, Outcome.BLOCK, Outcome.WARN), Decision.BLOCK),
    ],
)
def test_any_block_blocks_then_any_unexcepted_finding_needs_an_exception(
    outcomes: tuple[Outcome, ...], decision: Decision
) -> None:
    assert verdict_of(*outcomes).decision == decision


def test_the_verdict_is_json_in_the_specified_shape() -> None:
    verdict = judge(
        changed(one_to_one(), learners__0__adult_present=None, session__duration_minutes=50)
    )
    assert json.loads(json.dumps(verdict.to_dict())) == {
        "decision": "block",
        "policy": "default@1",
        "findings": [
            {
                "rule": "duration.max",
                "outcome": "needs_exception",
                "clause": "SES-3",
                "subject": None,
                "message": "The session lasts 50 minutes; the limit is 45.",
            },
            {
                "rule": "attendance.adult_present",
                "outcome": "block",
                "clause": "SES-5",
                "subject": "ln1",
                "message": "A parent, carer or named adult is not confirmed present in the house "
                "(not known).",
            },
        ],
    }


def test_findings_follow_the_rule_table_then_the_plans_order() -> None:
    plan = group(learners=3)
    for one in plan["learners"]:
        one["consent"]["participation"] = "missing"
    plan["learners"][1]["other_sessions_starts"] = None
    plan["staff"][1]["dbs_checked_on"] = None
    assert failed(judge(plan)) == [
        ("consent.participation", "block", "ln1"),
        ("consent.participation", "block", "ln2"),
        ("consent.participation", "block", "ln3"),
        ("frequency.weekly", "needs_exception", "ln2"),
        ("staff.dbs", "block", "st2"),
    ]


def test_the_same_plan_gets_the_same_verdict_whenever_it_is_judged() -> None:
    plan = parse_plan(changed(one_to_one(), session__duration_minutes=50))
    first = evaluate(default_policy(), plan)
    assert all(evaluate(default_policy(), plan) == first for _ in range(3))


def test_the_verdict_names_the_policy_and_its_version() -> None:
    import dataclasses

    trust = dataclasses.replace(default_policy(), name="harbour-trust", version=7)
    assert judge(one_to_one(), trust).policy == "harbour-trust@7"
