"""Two staff for groups (SES-4) and, in a 1:1 with a minor or an adult at risk, an adult
present and someone invited to drop in (SES-5)."""

import pytest

from chaperon.policy.engine import InvalidPlan

from .plans import changed, failed, group, judge, learner, one_to_one, staff_member


@pytest.mark.clause("SES-4")
@pytest.mark.parametrize("kind", ["group", "webinar"])
def test_a_group_or_webinar_with_fewer_than_two_staff_is_blocked(kind: str) -> None:
    verdict = judge(group(staff=1, kind=kind))
    assert failed(verdict) == [("attendance.two_staff", "block", None)]
    assert verdict.findings[0].clause == "SES-4"
    assert verdict.findings[0].message == (
        "A group session needs at least two members of staff; 1 planned."
    )
    assert failed(judge(group(staff=0, kind=kind)))[0] == ("attendance.two_staff", "block", None)
    assert judge(group(staff=2, kind=kind)).decision == "allow"


@pytest.mark.clause("SES-4")
def test_a_1_to_1_needs_only_one_member_of_staff() -> None:
    assert judge(one_to_one()).decision == "allow"


@pytest.mark.clause("SES-5")
@pytest.mark.parametrize("present", [False, None])
def test_a_1_to_1_with_a_minor_needs_an_adult_present(present: bool | None) -> None:
    verdict = judge(changed(one_to_one(), learners__0__adult_present=present))
    assert failed(verdict) == [("attendance.adult_present", "block", "ln1")]
    assert verdict.findings[0].clause == "SES-5"


@pytest.mark.clause("SES-5")
def test_an_adult_not_at_risk_needs_no_adult_present() -> None:
    plan = changed(
        one_to_one(), learners__0__date_of_birth="2001-02-03", learners__0__adult_present=False
    )
    assert judge(plan).decision == "allow"
    at_risk = changed(plan, learners__0__adult_at_risk=True)
    assert failed(judge(at_risk)) == [("attendance.adult_present", "block", "ln1")]


@pytest.mark.clause("SES-5")
def test_in_a_group_the_adult_present_is_not_asked() -> None:
    plan = group(learners=2)
    plan["learners"][0] = learner("ln1", adult_present=False)
    assert judge(plan).decision == "allow"


@pytest.mark.clause("SES-5")
def test_a_1_to_1_with_a_minor_and_nobody_invited_to_drop_in_warns_but_is_allowed() -> None:
    for plan in (changed(one_to_one(), other_adults=[]), _without_other_adults()):
        verdict = judge(plan)
        assert verdict.decision == "allow"
        assert failed(verdict) == [("attendance.facilitator_invited", "warn", None)]
        assert verdict.findings[0].clause == "SES-5"
    adult = changed(one_to_one(), other_adults=[], learners__0__date_of_birth="1990-01-01")
    assert judge(adult).findings == ()


def _without_other_adults() -> dict:
    plan = one_to_one()
    del plan["other_adults"]
    return plan


@pytest.mark.clause("SES-4")
def test_the_same_staff_member_cannot_be_counted_twice() -> None:
    plan = group()
    plan["staff"] = [staff_member("st1"), staff_member("st1")]
    with pytest.raises(InvalidPlan, match=r"^staff\[1\]\.id: st1 is given twice$"):
        judge(plan)
