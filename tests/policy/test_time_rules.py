"""Agreed slots, working hours, length and how often (SES-1, SES-2, SES-3), judged in the
policy's time zone across daylight-saving changes."""

import dataclasses
from datetime import time

import pytest

from chaperon.policy.engine import default_policy

from .plans import changed, failed, group, judge, one_to_one, only

UNTIL_FIVE = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "17:30"}]


def at(start: str, minutes: int = 40, **session: object) -> dict:
    """A 1:1 allowed by its slots whenever working hours allow it."""
    plan = one_to_one(start=start, duration_minutes=minutes, **session)
    plan["learners"][0]["agreed_slots"] = UNTIL_FIVE
    return plan


# Agreed slots (SES-1) -------------------------------------------------------------------------


@pytest.mark.clause("SES-1")
def test_a_1_to_1_with_a_minor_outside_the_agreed_slot_is_blocked() -> None:
    # Slot 09:00 to 15:00; 14:30 + 40 minutes ends at 15:10.
    verdict = judge(one_to_one(start="2026-11-23T14:30:00Z"))
    assert failed(verdict) == [("time.agreed_slot", "block", "ln1")]
    assert verdict.findings[0].clause == "SES-1"
    assert verdict.findings[0].message == (
        "The session (Monday 14:30 to 15:10) is not within a day and time agreed "
        "(agreed: Monday to Friday, 09:00 to 15:00)."
    )


@pytest.mark.clause("SES-1")
def test_the_refusal_names_every_time_agreed() -> None:
    plan = changed(
        one_to_one(start="2026-11-23T16:00:00Z"),
        learners__0__agreed_slots=[
            {"days": ["mon", "thu"], "from": "09:00", "to": "12:00"},
            {"days": ["sat"], "from": "10:00", "to": "11:30"},
        ],
    )
    [finding] = [f for f in judge(plan).findings if f.rule == "time.agreed_slot"]
    assert finding.message.endswith(
        "(agreed: Monday and Thursday, 09:00 to 12:00; Saturday, 10:00 to 11:30)."
    )


@pytest.mark.clause("SES-1")
def test_a_1_to_1_ending_exactly_at_the_end_of_its_slot_is_inside() -> None:
    assert judge(one_to_one(start="2026-11-23T14:20:00Z")).decision == "allow"
    late = judge(one_to_one(start="2026-11-23T14:20:01Z"))
    assert failed(late) == [("time.agreed_slot", "block", "ln1")]


@pytest.mark.clause("SES-1")
def test_a_1_to_1_before_its_slot_or_on_another_day_is_blocked() -> None:
    early = judge(one_to_one(start="2026-11-23T08:59:00Z"))
    assert only(early, ["time.agreed_slot"]) == [("time.agreed_slot", "block", "ln1")]
    plan = changed(
        one_to_one(), learners__0__agreed_slots=[{"days": ["tue"], "from": "09:00", "to": "15:00"}]
    )
    assert failed(judge(plan)) == [("time.agreed_slot", "block", "ln1")]


@pytest.mark.clause("SES-1")
def test_no_agreed_slot_fails_and_another_slot_may_cover_the_session() -> None:
    verdict = judge(changed(one_to_one(), learners__0__agreed_slots=[]))
    assert failed(verdict) == [("time.agreed_slot", "block", "ln1")]
    assert verdict.findings[0].message == "No days and times are agreed for 1:1 sessions."
    slots = [
        {"days": ["tue"], "from": "09:00", "to": "15:00"},
        {"days": ["mon"], "from": "09:30", "to": "11:00"},
    ]
    assert judge(changed(one_to_one(), learners__0__agreed_slots=slots)).decision == "allow"


@pytest.mark.clause("SES-1")
def test_slots_bind_only_1_to_1s_with_minors_or_adults_at_risk() -> None:
    outside = "2026-11-23T15:30:00Z"
    adult = changed(one_to_one(start=outside), learners__0__date_of_birth="2000-01-01")
    assert "time.agreed_slot" not in {f.rule for f in judge(adult).findings}
    at_risk = changed(adult, learners__0__adult_at_risk=True)
    assert only(judge(at_risk), ["time.agreed_slot"]) == [("time.agreed_slot", "block", "ln1")]
    # Not known whether the adult is at risk: treated as at risk.
    unknown = changed(adult, learners__0__adult_at_risk=None)
    assert only(judge(unknown), ["time.agreed_slot"]) == [("time.agreed_slot", "block", "ln1")]
    assert "time.agreed_slot" not in {f.rule for f in judge(group(start=outside)).findings}


@pytest.mark.clause("SES-1")
def test_slots_are_read_on_the_local_clock_after_the_clocks_go_forward() -> None:
    # Monday 30 March 2026, 08:00 UTC is 09:00 BST: the start of the 09:00 slot.
    assert judge(one_to_one(start="2026-03-30T08:00:00Z")).decision == "allow"
    before = judge(one_to_one(start="2026-03-30T07:59:00Z"))
    assert only(before, ["time.agreed_slot"]) == [("time.agreed_slot", "block", "ln1")]


# Working hours (SES-2) ------------------------------------------------------------------------


@pytest.mark.clause("SES-2")
@pytest.mark.parametrize(
    ("start", "inside"),
    [
        # Monday after the clocks go forward (29 March 2026): 07:45 UTC is 08:45 BST.
        ("2026-03-30T07:45:00Z", True),
        ("2026-03-30T07:15:00Z", False),  # 08:15 BST
        ("2026-03-30T08:45:00+01:00", True),
        # Monday after the clocks go back (25 October 2026): 08:45 UTC is 08:45 GMT.
        ("2026-10-26T08:45:00Z", True),
        ("2026-10-26T07:45:00Z", False),  # 07:45 GMT, though 08:45 on the summer clock
        # The Friday before: still BST, so 07:45 UTC is 08:45.
        ("2026-10-23T07:45:00Z", True),
    ],
)
def test_working_hours_are_judged_on_the_clock_of_the_policys_time_zone(
    start: str, inside: bool
) -> None:
    verdict = judge(at(start))
    if inside:
        assert verdict.decision == "allow"
    else:
        assert failed(verdict) == [("time.working_hours", "needs_exception", None)]
        assert verdict.decision == "needs_exception"
        assert verdict.findings[0].clause == "SES-2"


@pytest.mark.clause("SES-2")
def test_a_session_ending_exactly_at_17_00_is_inside_working_hours() -> None:
    assert judge(at("2026-11-23T16:20:00Z")).decision == "allow"
    summer = judge(at("2026-06-15T15:20:00Z"))  # 16:20 BST to 17:00 BST
    assert summer.decision == "allow"
    verdict = judge(at("2026-11-23T16:21:00Z"))
    assert failed(verdict) == [("time.working_hours", "needs_exception", None)]
    assert verdict.findings[0].message == (
        "The session runs Monday 16:21 to 17:01; working hours are 08:30 to 17:00, "
        "Monday to Friday."
    )


@pytest.mark.clause("SES-2")
def test_a_weekend_or_a_session_past_midnight_is_outside_working_hours() -> None:
    saturday = judge(at("2026-11-28T10:00:00Z"))
    assert only(saturday, ["time.working_hours"]) == [
        ("time.working_hours", "needs_exception", None)
    ]
    weekend_policy = dataclasses.replace(default_policy(), working_days=(0, 1, 2, 3, 4, 5))
    assert "time.working_hours" not in {
        f.rule for f in judge(at("2026-11-28T10:00:00Z"), weekend_policy).findings
    }
    late_policy = dataclasses.replace(default_policy(), working_hours_end=time(23, 59))
    overnight = judge(group(start="2026-11-23T23:40:00Z"), late_policy)
    assert only(overnight, ["time.working_hours"]) == [
        ("time.working_hours", "needs_exception", None)
    ]
    assert "the next day" in overnight.findings[0].message


# Length (SES-3) -------------------------------------------------------------------------------


@pytest.mark.clause("SES-3")
def test_a_session_longer_than_the_maximum_needs_an_exception() -> None:
    assert judge(one_to_one(duration_minutes=45)).decision == "allow"
    verdict = judge(one_to_one(duration_minutes=50))
    assert verdict.to_dict() == {
        "decision": "needs_exception",
        "policy": "default@1",
        "findings": [
            {
                "rule": "duration.max",
                "outcome": "needs_exception",
                "clause": "SES-3",
                "subject": None,
                "message": "The session lasts 50 minutes; the limit is 45.",
            }
        ],
    }


@pytest.mark.clause("SES-3")
def test_the_maximum_is_the_policys() -> None:
    longer = dataclasses.replace(default_policy(), max_duration_minutes=60)
    assert judge(one_to_one(duration_minutes=60), longer).decision == "allow"
    assert failed(judge(one_to_one(duration_minutes=61), longer)) == [
        ("duration.max", "needs_exception", None)
    ]


# How often (SES-2) ----------------------------------------------------------------------------


def with_others(start: str, *others: str) -> dict:
    plan = at(start)
    plan["learners"][0]["other_sessions_starts"] = list(others)
    return plan


@pytest.mark.clause("SES-2")
def test_a_second_session_in_the_same_calendar_week_needs_an_exception() -> None:
    verdict = judge(with_others("2026-11-23T10:00:00Z", "2026-11-25T10:00:00Z"))
    assert failed(verdict) == [("frequency.weekly", "needs_exception", "ln1")]
    assert verdict.findings[0].clause == "SES-2"
    assert verdict.findings[0].message == (
        "The learner already has 1 other session in the week starting Monday 23 November "
        "2026; the limit is 1 a week."
    )


@pytest.mark.clause("SES-2")
@pytest.mark.parametrize(
    ("other", "same_week"),
    [
        ("2026-11-22T23:59:00Z", False),  # the Sunday before, 23:59 GMT
        ("2026-11-29T23:59:00Z", True),  # this week's Sunday, 23:59 GMT
        ("2026-11-30T00:00:00Z", False),  # next Monday, 00:00 GMT
        ("2026-11-23T09:00:00Z", True),  # earlier the same day
    ],
)
def test_the_calendar_week_runs_monday_to_sunday(other: str, same_week: bool) -> None:
    verdict = judge(with_others("2026-11-27T10:00:00Z", other))  # a Friday
    assert bool(only(verdict, ["frequency.weekly"])) == same_week


@pytest.mark.clause("SES-2")
@pytest.mark.parametrize(
    ("other", "same_week"),
    [
        # Sunday 14 June 2026, 23:30 UTC, is Monday 15 June 00:30 in London: this week.
        ("2026-06-14T23:30:00Z", True),
        # Sunday 21 June 2026, 23:30 UTC, is Monday 22 June 00:30 in London: next week.
        ("2026-06-21T23:30:00Z", False),
    ],
)
def test_the_calendar_week_is_the_policys_time_zone_not_utc(other: str, same_week: bool) -> None:
    verdict = judge(with_others("2026-06-17T09:00:00Z", other))  # Wednesday 10:00 BST
    assert bool(only(verdict, ["frequency.weekly"])) == same_week


@pytest.mark.clause("SES-2")
def test_the_weekly_maximum_is_the_policys() -> None:
    twice = dataclasses.replace(default_policy(), max_sessions_per_week=2)
    one_other = with_others("2026-11-23T10:00:00Z", "2026-11-25T10:00:00Z")
    assert judge(one_other, twice).decision == "allow"
    two_others = with_others("2026-11-23T10:00:00Z", "2026-11-25T10:00:00Z", "2026-11-26T10:00Z")
    assert failed(judge(two_others, twice)) == [("frequency.weekly", "needs_exception", "ln1")]


@pytest.mark.clause("SES-2")
def test_unknown_other_sessions_fail_closed() -> None:
    verdict = judge(changed(one_to_one(), learners__0__other_sessions_starts=None))
    assert failed(verdict) == [("frequency.weekly", "needs_exception", "ln1")]
    assert verdict.findings[0].message == "The learner's other sessions are not known."


@pytest.mark.clause("SES-2")
def test_each_learner_of_a_group_is_counted_on_their_own() -> None:
    plan = group(learners=2)
    plan["learners"][1]["other_sessions_starts"] = ["2026-11-24T10:00:00Z"]
    assert failed(judge(plan)) == [("frequency.weekly", "needs_exception", "ln2")]
