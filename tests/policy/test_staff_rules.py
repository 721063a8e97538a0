"""Staff running a session have a current DBS check, safeguarding training and acceptable use
agreement (SES-10): a check made on D with a validity of N years is valid up to and including
D + N years, judged on the session's date in the policy's time zone."""

import dataclasses

import pytest

from chaperon.policy.engine import default_policy

from .plans import changed, failed, group, judge, one_to_one

FACTS = [
    pytest.param("dbs_checked_on", "staff.dbs", 3, id="dbs"),
    pytest.param(
        "safeguarding_training_on",
        "staff.training",
        1,
        id="training",
        marks=pytest.mark.clause("ORG-3"),
    ),
    pytest.param("aup_signed_on", "staff.aup", 1, id="aup", marks=pytest.mark.clause("ORG-2")),
]


@pytest.mark.clause("SES-10")
@pytest.mark.parametrize(("fact", "rule", "years"), FACTS)
def test_a_check_is_valid_up_to_and_including_its_anniversary(
    fact: str, rule: str, years: int
) -> None:
    on_the_day = f"{2026 - years}-11-23"
    assert judge(changed(one_to_one(), **{f"staff__0__{fact}": on_the_day})).decision == "allow"
    expired = judge(changed(one_to_one(), **{f"staff__0__{fact}": f"{2026 - years}-11-22"}))
    assert failed(expired) == [(rule, "block", "st1")]
    assert expired.findings[0].clause == "SES-10"
    assert "expired on Sunday 22 November 2026, before the session on Monday 23 November 2026" in (
        expired.findings[0].message
    )


@pytest.mark.clause("SES-10")
@pytest.mark.parametrize(("fact", "rule", "years"), FACTS)
def test_no_date_fails_closed(fact: str, rule: str, years: int) -> None:
    verdict = judge(changed(one_to_one(), **{f"staff__0__{fact}": None}))
    assert failed(verdict) == [(rule, "block", "st1")]
    assert verdict.findings[0].message.startswith("No ")


@pytest.mark.clause("SES-10")
def test_validity_is_judged_on_the_local_date_of_the_session() -> None:
    # 23:30 UTC on 15 June 2026 is 00:30 BST on 16 June: a DBS check of 15 June 2023 has
    # expired by then, though it would still be valid on the UTC date.
    plan = changed(one_to_one(start="2026-06-15T23:30:00Z"), staff__0__dbs_checked_on="2023-06-15")
    assert ("staff.dbs", "block", "st1") in failed(judge(plan))
    plan = changed(plan, session__start="2026-06-15T22:30:00Z")  # 23:30 BST on the 15th
    assert ("staff.dbs", "block", "st1") not in failed(judge(plan))


@pytest.mark.clause("SES-10")
def test_a_leap_day_check_lasts_until_the_28th_of_february() -> None:
    plan = changed(
        one_to_one(start="2025-02-28T10:00:00Z"), staff__0__safeguarding_training_on="2024-02-29"
    )
    plan["staff"][0]["aup_signed_on"] = "2024-09-01"
    plan["staff"][0]["dbs_checked_on"] = "2024-09-01"
    assert "staff.training" not in {f.rule for f in judge(plan).findings}
    later = changed(plan, session__start="2025-03-03T10:00:00Z")
    assert ("staff.training", "block", "st1") in failed(judge(later))


@pytest.mark.clause("SES-10")
def test_validity_periods_are_the_policys() -> None:
    plan = changed(one_to_one(), staff__0__dbs_checked_on="2022-11-23")
    assert failed(judge(plan)) == [("staff.dbs", "block", "st1")]
    longer = dataclasses.replace(default_policy(), dbs_valid_years=4)
    assert judge(plan, longer).decision == "allow"


@pytest.mark.clause("SES-10")
def test_every_staff_member_is_checked() -> None:
    plan = group(staff=3)
    plan["staff"][1]["aup_signed_on"] = None
    plan["staff"][2]["aup_signed_on"] = "2020-01-01"
    plan["staff"][2]["dbs_checked_on"] = None
    assert failed(judge(plan)) == [
        ("staff.dbs", "block", "st3"),
        ("staff.aup", "block", "st2"),
        ("staff.aup", "block", "st3"),
    ]


@pytest.mark.clause("SES-10")
@pytest.mark.clause("INC-10")
def test_a_suspended_member_of_staff_blocks_the_session_in_neutral_words() -> None:
    plan = group(staff=2)
    plan["staff"][1]["suspended"] = True
    verdict = judge(plan)
    assert failed(verdict) == [("staff.suspended", "block", "st2")]
    [finding] = verdict.findings
    assert finding.clause == "SES-10"
    assert finding.message == "This member of staff may not run or join sessions at present."
    # An exception never lifts a block.
    excepted = changed(
        plan,
        session__exception={
            "approved_by_role": "slt",
            "approved_by": "st9",
            "reason": "Needed",
            "covers": ["staff.suspended"],
        },
    )
    assert judge(excepted).decision == "block"


@pytest.mark.clause("SES-10")
def test_not_knowing_whether_staff_are_suspended_fails_closed() -> None:
    plan = one_to_one()
    plan["staff"][0]["suspended"] = None
    assert failed(judge(plan)) == [("staff.suspended", "block", "st1")]
    del plan["staff"][0]["suspended"]
    assert failed(judge(plan)) == [("staff.suspended", "block", "st1")]
    plan["staff"][0]["suspended"] = False
    assert judge(plan).decision == "allow"
