"""Annex 1 as a pure function, over every combination of answers (INC-2, INC-3, INC-4, INC-6,
INC-8)."""

import dataclasses
import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chaperon.concerns.checklist import (
    LADO,
    Agency,
    Answers,
    Illegal,
    NudeSharing,
    RiskToUser,
    due_at,
    steps_completed_by,
    steps_for,
)

ALL_ANSWERS = [
    Answers(illegal, immediate, risk, nudes)
    for illegal, immediate, risk, nudes in itertools.product(
        Illegal, [True, False], RiskToUser, NudeSharing
    )
]


def keys(answers: Answers) -> set[str]:
    return {step.key for step in steps_for(answers)}


@pytest.mark.clause("INC-2")
@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_every_combination_opens_a_review_and_a_decision_about_parents(answers: Answers) -> None:
    steps = steps_for(answers)
    assert {"review_meeting", "parents"} <= keys(answers)
    assert len({step.key for step in steps}) == len(steps)  # each step once
    assert [step.due_in for step in steps] == sorted(step.due_in for step in steps)
    assert all(step.title and step.clause.startswith("INC-") for step in steps)


@pytest.mark.clause("INC-3")
@pytest.mark.parametrize("answers", [a for a in ALL_ANSWERS if a.immediate_risk], ids=str)
def test_immediate_risk_preserves_evidence_and_refers_now(answers: Answers) -> None:
    steps = {step.key: step for step in steps_for(answers)}
    assert {"preserve_evidence", "report_dso", "refer_immediate"} <= set(steps)
    assert steps["preserve_evidence"].clause == "INC-3"
    assert steps["refer_immediate"].due_in.total_seconds() <= 3600
    assert set(steps["refer_immediate"].agencies) == {Agency.POLICE, Agency.SOCIAL_CARE}
    assert "refer_authorities" not in steps


@pytest.mark.clause("INC-4")
@pytest.mark.parametrize(
    "answers",
    [
        a
        for a in ALL_ANSWERS
        if not a.immediate_risk and (a.illegal is not Illegal.NO or a.risk_to_user != "low")
    ],
    ids=str,
)
def test_no_immediate_risk_reports_to_the_authorities_and_keeps_evidence(
    answers: Answers,
) -> None:
    steps = {step.key: step for step in steps_for(answers)}
    assert steps["preserve_evidence"].clause == "INC-4"
    assert set(steps["refer_authorities"].agencies) == {
        Agency.POLICE,
        Agency.CEOP,
        Agency.IWF,
        Agency.SOCIAL_CARE,
    }
    assert "refer_immediate" not in steps


@pytest.mark.clause("INC-2")
def test_legal_low_risk_goes_to_the_relevant_person_only() -> None:
    answers = Answers(Illegal.NO, False, RiskToUser.LOW)
    assert keys(answers) == {"review_meeting", "parents", "report_by_severity"}


@pytest.mark.clause("INC-8")
@pytest.mark.parametrize(
    "answers", [a for a in ALL_ANSWERS if a.risk_to_user is RiskToUser.SIGNIFICANT], ids=str
)
def test_significant_harm_refers_without_waiting_for_consent(answers: Answers) -> None:
    steps = {step.key: step for step in steps_for(answers)}
    assert "without waiting for consent" in steps["refer_significant_harm"].title
    assert Agency.SOCIAL_CARE in steps["refer_significant_harm"].agencies


@pytest.mark.clause("INC-6")
@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_nude_sharing_is_classified(answers: Answers) -> None:
    found = keys(answers)
    assert ("refer_aggravated" in found) == (answers.nude_sharing is NudeSharing.AGGRAVATED)
    assert ("experimental_plan" in found) == (answers.nude_sharing is NudeSharing.EXPERIMENTAL)
    if answers.nude_sharing is NudeSharing.AGGRAVATED:
        aggravated = next(s for s in steps_for(answers) if s.key == "refer_aggravated")
        assert aggravated.agencies == (Agency.POLICE,)


def test_a_referral_completes_the_steps_that_ask_for_it() -> None:
    open_steps = [("refer_immediate", ["police", "social_care"]), ("parents", [])]
    assert steps_completed_by(Agency.POLICE, open_steps) == ["refer_immediate"]
    assert steps_completed_by(Agency.IWF, open_steps) == []


@pytest.mark.clause("INC-10")
@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_an_allegation_about_staff_always_asks_for_the_lado(answers: Answers) -> None:
    allegation = dataclasses.replace(answers, allegation=True)
    lado = [step for step in steps_for(allegation) if step.key == "refer_lado"]
    assert [(step.agencies, step.working_days) for step in lado] == [((Agency.LADO,), 1)]
    assert keys(allegation) - keys(answers) == {"refer_lado"}
    assert "refer_lado" not in keys(answers)


LONDON = ZoneInfo("Europe/London")


@pytest.mark.clause("INC-10")
@pytest.mark.parametrize(
    ("now", "due"),
    [
        # Monday morning: the end of Tuesday.
        (datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), datetime(2026, 11, 24, 17, 0)),
        # Friday night and Saturday: the end of Monday.
        (datetime(2026, 11, 27, 23, 30, tzinfo=LONDON), datetime(2026, 11, 30, 17, 0)),
        (datetime(2026, 11, 28, 12, 0, tzinfo=LONDON), datetime(2026, 11, 30, 17, 0)),
        # 23:30 UTC on a Sunday in summer is already Monday in London: the end of Tuesday.
        (datetime(2026, 6, 14, 23, 30, tzinfo=UTC), datetime(2026, 6, 16, 17, 0)),
        # Across the change to GMT (25 October 2026): 17:00 GMT, not BST.
        (datetime(2026, 10, 23, 10, 0, tzinfo=LONDON), datetime(2026, 10, 26, 17, 0)),
    ],
)
def test_one_working_day_ends_with_the_next_working_day(now: datetime, due: datetime) -> None:
    found = due_at(LADO, now=now, zone=LONDON, working_days="12345", working_end=time(17, 0))
    assert found == due.replace(tzinfo=LONDON)
    assert found.utcoffset() == due.replace(tzinfo=LONDON).utcoffset()


def test_without_working_days_a_working_day_is_a_day() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
    assert due_at(LADO, now=now, zone=LONDON, working_days="", working_end=time(17, 0)) == (
        now + timedelta(hours=24)
    )
