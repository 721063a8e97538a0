"""Annex 1 as a pure function, over every combination of answers (INC-2, INC-3, INC-4, INC-6,
INC-8)."""

import itertools

import pytest

from chaperon.concerns.checklist import (
    Agency,
    Answers,
    Illegal,
    NudeSharing,
    RiskToUser,
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
