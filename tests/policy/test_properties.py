"""Properties that hold for any plan under any policy: giving what was missing, approving an
exception or shortening a session never makes the verdict worse."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaperon.policy.engine import Plan, Policy, Verdict, default_policy, evaluate
from chaperon.policy.engine.catalogue import RULE_IDS
from chaperon.policy.engine.plan import (
    Consent,
    ConsentStatus,
    ExceptionApproval,
    Kind,
    Learner,
    OtherAdult,
    ParentInformation,
    Recording,
    RoomSettings,
    Session,
    Slot,
    Staff,
    Stage,
)
from chaperon.policy.engine.verdict import DECISION_RANK, Outcome

flags = st.sampled_from([True, False, None])
known_dates = st.one_of(
    st.none(), st.dates(min_value=date(1995, 1, 1), max_value=date(2027, 12, 31))
)
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@st.composite
def slots(draw: st.DrawFn) -> Slot:
    start = draw(st.integers(0, 22 * 60))
    end = draw(st.integers(start + 1, 23 * 60 + 59))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return Slot(days, time(start // 60, start % 60), time(end // 60, end % 60))


consents = st.builds(
    Consent,
    participation=st.sampled_from(ConsentStatus),
    recording=st.sampled_from(ConsentStatus),
    parent_information=st.sampled_from(ParentInformation),
)


def learners(number: int) -> st.SearchStrategy[Learner]:
    return st.builds(
        Learner,
        id=st.just(f"ln{number}"),
        date_of_birth=known_dates,
        adult_at_risk=flags,
        consent=consents,
        agreed_slots=st.lists(slots(), max_size=2).map(tuple),
        other_sessions_starts=st.one_of(st.none(), st.lists(moments, max_size=3).map(tuple)),
        adult_present=flags,
        comfortable_being_recorded=flags,
    )


def staff(number: int) -> st.SearchStrategy[Staff]:
    return st.builds(
        Staff,
        id=st.just(f"st{number}"),
        dbs_checked_on=known_dates,
        safeguarding_training_on=known_dates,
        aup_signed_on=known_dates,
        recording_consent=flags,
        suspended=flags,
    )


exceptions = st.builds(
    ExceptionApproval,
    approved_by_role=st.sampled_from(["slt", "dsl", "deputy_dsl", "teacher", ""]),
    approved_by=st.sampled_from(["st9", "", " "]),
    reason=st.sampled_from(["Exam week timetable", "", "  "]),
    covers=st.frozensets(st.sampled_from(sorted(RULE_IDS))),
)

sessions = st.builds(
    Session,
    kind=st.sampled_from(Kind),
    start=moments,
    duration_minutes=st.integers(1, 180),
    stage=st.sampled_from(Stage),
    platform=st.sampled_from(["builtin", "zoom", None]),
    account=st.sampled_from(["organisation", "personal", None]),
    settings=st.builds(RoomSettings, flags, flags, flags, flags, flags, flags, flags),
    recording=st.builds(
        Recording, st.booleans(), st.sampled_from([None, "", "Evidence of advice"])
    ),
    risk_assessment_done=flags,
    exception=st.none(),
)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    learner_count = draw(st.integers(1, 4))
    staff_count = draw(st.integers(0, 3))
    return Plan(
        session=draw(sessions),
        staff=tuple(draw(staff(n)) for n in range(staff_count)),
        learners=tuple(draw(learners(n)) for n in range(learner_count)),
        other_adults=tuple(draw(st.lists(st.just(OtherAdult("guardian")), max_size=1))),
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    return dataclasses.replace(
        default_policy(),
        time_zone=draw(
            st.sampled_from(
                ["Europe/London", "Africa/Johannesburg", "America/New_York", "Australia/Sydney"]
            )
        ),
        max_duration_minutes=draw(st.integers(1, 480)),
        max_sessions_per_week=draw(st.integers(1, 3)),
        exception_approvers=tuple(draw(st.lists(st.sampled_from(["slt", "dsl"]), unique=True))),
    )


# The tests share a small machine with other work: judge the properties, never the speed at
# which examples are made or run.
on_a_shared_machine = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(verdict: Verdict) -> int:
    return DECISION_RANK[verdict.decision]


def findings_of(verdict: Verdict, outcome: Outcome | None = None) -> set[tuple[str, str | None]]:
    return {
        (finding.rule, finding.subject)
        for finding in verdict.findings
        if outcome is None or finding.outcome is outcome
    }


@pytest.mark.clause("SES-9")
@on_a_shared_machine
@given(plans(), policies(), st.data())
def test_giving_a_missing_consent_never_turns_allow_into_block(
    plan: Plan, policy: Policy, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(plan.learners) - 1))
    one = plan.learners[index]
    consent = one.consent
    given_consent = dataclasses.replace(
        consent,
        participation=ConsentStatus.GIVEN
        if consent.participation is ConsentStatus.MISSING
        else consent.participation,
        recording=ConsentStatus.GIVEN
        if consent.recording is ConsentStatus.MISSING
        else consent.recording,
        parent_information=ParentInformation.CONFIRMED,
    )
    learners = list(plan.learners)
    learners[index] = dataclasses.replace(one, consent=given_consent)
    before = evaluate(policy, plan)
    after = evaluate(policy, dataclasses.replace(plan, learners=tuple(learners)))
    assert not (before.decision == "allow" and after.decision == "block")
    assert rank(after) <= rank(before)
    assert findings_of(after) <= findings_of(before)


@pytest.mark.clause("SES-3")
@on_a_shared_machine
@given(plans(), policies(), exceptions)
def test_adding_an_exception_never_makes_a_decision_worse(
    plan: Plan, policy: Policy, exception: ExceptionApproval
) -> None:
    before = evaluate(policy, plan)
    excepted = dataclasses.replace(plan.session, exception=exception)
    after = evaluate(policy, dataclasses.replace(plan, session=excepted))
    assert rank(after) <= rank(before)
    # The same rules fail for the same subjects, and every block stays a block.
    assert findings_of(after) == findings_of(before)
    assert findings_of(after, Outcome.BLOCK) == findings_of(before, Outcome.BLOCK)


@pytest.mark.clause("SES-3")
@on_a_shared_machine
@given(plans(), policies(), st.data())
def test_shortening_a_session_never_makes_a_time_rule_fail_where_it_passed(
    plan: Plan, policy: Policy, data: st.DataObject
) -> None:
    minutes = plan.session.duration_minutes
    shorter = data.draw(st.integers(1, minutes))
    short_plan = dataclasses.replace(
        plan, session=dataclasses.replace(plan.session, duration_minutes=shorter)
    )
    before, after = evaluate(policy, plan), evaluate(policy, short_plan)
    for rule in ("duration.max", "time.working_hours", "time.agreed_slot"):
        failed_before = {item for item in findings_of(before) if item[0] == rule}
        failed_after = {item for item in findings_of(after) if item[0] == rule}
        assert failed_after <= failed_before, rule


@on_a_shared_machine
@given(plans(), policies(), st.integers(-12 * 60, 14 * 60))
def test_the_verdict_does_not_depend_on_the_offset_the_start_is_written_in(
    plan: Plan, policy: Policy, offset_minutes: int
) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    moved = dataclasses.replace(plan.session, start=plan.session.start.astimezone(zone))
    assert evaluate(policy, dataclasses.replace(plan, session=moved)) == evaluate(policy, plan)


@on_a_shared_machine
@given(plans(), policies())
def test_the_decision_is_what_the_findings_add_up_to(plan: Plan, policy: Policy) -> None:
    verdict = evaluate(policy, plan)
    outcomes = {finding.outcome for finding in verdict.findings}
    if Outcome.BLOCK in outcomes:
        assert verdict.decision == "block"
    elif Outcome.NEEDS_EXCEPTION in outcomes:
        assert verdict.decision == "needs_exception"
    else:
        assert verdict.decision == "allow"
    if plan.session.stage is Stage.BOOK:
        assert not {f.rule for f in verdict.findings} & {
            "session.risk_assessment",
            "recording.comfort_check",
        }
