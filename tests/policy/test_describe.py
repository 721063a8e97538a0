"""The rule table as the session policy specifies it, and the policy in plain words."""

import dataclasses

from chaperon.policy.engine import default_policy, describe, describe_outcome
from chaperon.policy.engine.catalogue import RULES
from chaperon.policy.engine.describe import checked_only_at_start, describe_approvers

# Rule, clause and outcome, as the session policy's rule table gives them.
SPECIFIED = [
    ("consent.participation", "SES-9", "block"),
    ("consent.parent_information", "SES-8", "block"),
    ("consent.recording", "REC-4", "block"),
    ("recording.purpose", "REC-1", "block"),
    ("recording.comfort_check", "REC-6", "block"),
    ("time.agreed_slot", "SES-1", "block"),
    ("time.working_hours", "SES-2", "needs_exception"),
    ("duration.max", "SES-3", "needs_exception"),
    ("frequency.weekly", "SES-2", "needs_exception"),
    ("attendance.two_staff", "SES-4", "block"),
    ("attendance.adult_present", "SES-5", "block"),
    ("attendance.facilitator_invited", "SES-5", "warn"),
    ("staff.dbs", "SES-10", "block"),
    ("staff.training", "SES-10", "block"),
    ("staff.aup", "SES-10", "block"),
    ("staff.suspended", "SES-10", "block"),
    ("platform.approved", "SES-11", "block"),
    ("platform.account", "SES-11", "block"),
    ("platform.waiting_room", "ROOM-1", "block"),
    ("platform.passcode", "ROOM-2", "block"),
    ("platform.video", "ROOM-3", "block"),
    ("platform.screen_share", "ROOM-4", "block"),
    ("platform.rename", "ROOM-5", "block"),
    ("platform.lock", "ROOM-6", "block"),
    ("session.risk_assessment", "SES-13", "block"),
]


def test_the_rules_are_the_specified_ones_each_with_a_check() -> None:
    assert [(rule.id, rule.clause, rule.outcome.value) for rule in RULES] == SPECIFIED
    # Each rule's record names its own check, the function of rules.py called after it.
    assert [rule.check.__name__ for rule in RULES] == [
        rule.replace(".", "_") for rule, _clause, _outcome in SPECIFIED
    ]
    assert [rule.id for rule in RULES if rule.start_only] == [
        "recording.comfort_check",
        "session.risk_assessment",
    ]


def test_every_rule_is_described_with_its_clause_in_the_order_of_the_table() -> None:
    described = describe(default_policy())
    assert [(text.rule, text.clause) for text in described] == [
        (rule, clause) for rule, clause, _outcome in SPECIFIED
    ]
    for rule, _clause, sentence in described:
        assert sentence.endswith(".") and sentence[0].isupper(), rule


def test_the_words_carry_the_policys_values() -> None:
    words = {text.rule: text.sentence for text in describe(default_policy())}
    assert words["duration.max"] == "A session lasts at most 45 minutes."
    assert words["time.working_hours"] == (
        "The whole session falls within working hours: 08:30 to 17:00, Monday to Friday "
        "(Europe/London time)."
    )
    assert words["frequency.weekly"] == (
        "A learner has at most 1 session in a calendar week (Monday to Sunday)."
    )
    assert "within the last 3 years" in words["staff.dbs"]
    assert "within the last year" in words["staff.training"]
    assert words["platform.approved"] == "The session uses an approved platform: builtin."

    trust = dataclasses.replace(
        default_policy(),
        max_duration_minutes=60,
        max_sessions_per_week=2,
        working_days=(0, 2, 4),
        time_zone="Europe/Dublin",
        training_valid_years=2,
        approved_platforms=("builtin", "teams"),
    )
    words = {text.rule: text.sentence for text in describe(trust)}
    assert words["duration.max"] == "A session lasts at most 60 minutes."
    assert "2 sessions in a calendar week" in words["frequency.weekly"]
    assert "Monday, Wednesday and Friday (Europe/Dublin time)" in words["time.working_hours"]
    assert "within the last 2 years" in words["staff.training"]
    assert words["platform.approved"].endswith("builtin, teams.")


def test_the_outcome_in_words_names_who_may_approve_an_exception() -> None:
    policy = default_policy()
    assert describe_outcome(policy, "duration.max") == (
        "Needs an exception approved by a senior leader or the Designated Safeguarding Lead."
    )
    assert describe_outcome(policy, "staff.dbs") == "Blocks the session."
    assert describe_outcome(policy, "attendance.facilitator_invited") == "Warns."
    three = dataclasses.replace(policy, exception_approvers=("dsl", "deputy_dsl", "slt"))
    assert describe_outcome(three, "frequency.weekly") == (
        "Needs an exception approved by the Designated Safeguarding Lead, a deputy Designated "
        "Safeguarding Lead or a senior leader."
    )
    nobody = dataclasses.replace(policy, exception_approvers=())
    assert "nobody may approve" in describe_outcome(nobody, "duration.max")
    assert describe_approvers(nobody) == "nobody"
    assert describe_approvers(policy) == "a senior leader or the Designated Safeguarding Lead"


def test_only_the_opening_checks_are_marked_as_such() -> None:
    assert checked_only_at_start("session.risk_assessment")
    assert not checked_only_at_start("duration.max")
