"""Consent to take part, parent information and consent to record (SES-9, SES-8, REC-4),
and the recording's purpose and comfort check (REC-1, REC-6)."""

import pytest

from .plans import DROP, changed, failed, group, judge, learner, one_to_one, only, staff_member

RECORDED = {"enabled": True, "purpose": "Evidence of the careers guidance given"}


@pytest.mark.clause("SES-9")
@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("declined", "Consent to take part was declined."),
        ("withdrawn", "Consent to take part has been withdrawn."),
        ("missing", "Consent to take part is missing."),
        (None, "Consent to take part is missing."),
        (DROP, "Consent to take part is missing."),
    ],
)
def test_a_learner_without_consent_to_take_part_blocks_the_session(
    status: object, words: str
) -> None:
    verdict = judge(changed(one_to_one(), learners__0__consent__participation=status))
    assert verdict.decision == "block"
    [finding] = verdict.findings
    assert (finding.rule, finding.outcome, finding.clause) == (
        "consent.participation",
        "block",
        "SES-9",
    )
    assert (finding.subject, finding.message) == ("ln1", words)


@pytest.mark.clause("SES-9")
def test_each_learner_without_consent_is_a_finding_of_its_own() -> None:
    plan = group(learners=3)
    plan["learners"][0]["consent"]["participation"] = "withdrawn"
    plan["learners"][2]["consent"] = {}
    assert only(judge(plan), ["consent.participation"]) == [
        ("consent.participation", "block", "ln1"),
        ("consent.participation", "block", "ln3"),
    ]


@pytest.mark.clause("SES-8")
def test_a_minor_needs_the_parent_information_confirmed() -> None:
    verdict = judge(changed(one_to_one(), learners__0__consent__parent_information="missing"))
    assert failed(verdict) == [("consent.parent_information", "block", "ln1")]
    assert verdict.findings[0].clause == "SES-8"


@pytest.mark.clause("SES-8")
def test_an_adult_needs_no_parent_information_even_when_at_risk() -> None:
    adult = learner(date_of_birth="2000-01-01", adult_at_risk=True)
    adult["consent"]["parent_information"] = "missing"
    plan = changed(group(), learners=[adult])
    assert "consent.parent_information" not in {f.rule for f in judge(plan).findings}


@pytest.mark.clause("SES-8")
def test_an_unknown_date_of_birth_counts_as_a_minor() -> None:
    plan = changed(
        one_to_one(),
        learners__0__date_of_birth=None,
        learners__0__consent__parent_information="missing",
    )
    [finding] = only(judge(plan), ["consent.parent_information"])
    assert finding == ("consent.parent_information", "block", "ln1")
    assert "date of birth not known" in judge(plan).findings[0].message


@pytest.mark.clause("REC-4")
def test_recording_needs_every_learners_and_every_staff_members_consent() -> None:
    plan = changed(group(learners=2, staff=2), session__recording=RECORDED)
    plan["learners"][1]["consent"]["recording"] = "declined"
    plan["staff"][0]["recording_consent"] = False
    plan["staff"][1]["recording_consent"] = None
    verdict = judge(plan)
    assert verdict.decision == "block"
    assert failed(verdict) == [
        ("consent.recording", "block", "ln2"),
        ("consent.recording", "block", "st1"),
        ("consent.recording", "block", "st2"),
    ]
    assert {f.clause for f in verdict.findings} == {"REC-4"}
    assert verdict.findings[2].message.endswith("(not known).")


@pytest.mark.clause("REC-4")
def test_without_recording_no_recording_consent_is_needed() -> None:
    plan = changed(
        one_to_one(),
        learners__0__consent__recording="declined",
        staff__0__recording_consent=False,
    )
    assert judge(plan).decision == "allow"
    plan = changed(plan, session__recording=DROP)  # no recording given: not recorded
    assert judge(plan).decision == "allow"


@pytest.mark.clause("REC-4")
def test_recording_with_everyones_consent_passes() -> None:
    plan = changed(one_to_one(), session__recording=RECORDED)
    assert judge(plan).decision == "allow"


@pytest.mark.clause("REC-1")
@pytest.mark.parametrize("purpose", [None, "", "   "])
def test_a_recording_without_a_stated_purpose_is_blocked(purpose: str | None) -> None:
    plan = changed(one_to_one(), session__recording={"enabled": True, "purpose": purpose})
    verdict = judge(plan)
    assert failed(verdict) == [("recording.purpose", "block", None)]
    assert verdict.findings[0].clause == "REC-1"


@pytest.mark.clause("REC-6")
@pytest.mark.parametrize("comfortable", [False, None])
def test_when_a_recorded_session_opens_each_learner_must_be_comfortable_being_recorded(
    comfortable: bool | None,
) -> None:
    plan = changed(
        one_to_one(stage="start", recording=RECORDED),
        learners__0__comfortable_being_recorded=comfortable,
    )
    verdict = judge(plan)
    assert failed(verdict) == [("recording.comfort_check", "block", "ln1")]
    assert verdict.findings[0].clause == "REC-6"
    # Not asked at booking: the learner is asked before the session.
    assert judge(changed(plan, session__stage="book")).decision == "allow"
    # Nor when nothing is recorded.
    unrecorded = changed(plan, session__recording={"enabled": False, "purpose": None})
    assert judge(unrecorded).decision == "allow"


@pytest.mark.clause("REC-4")
def test_staff_members_are_named_by_their_id() -> None:
    plan = changed(one_to_one(), session__recording=RECORDED)
    plan["staff"] = [staff_member("st7", recording_consent=None)]
    assert failed(judge(plan)) == [("consent.recording", "block", "st7")]
