"""The plan format (version 1): what is refused, with the field named, and what a missing fact
means (unknown, so the check that needs it fails)."""

from typing import Any

import pytest

from chaperon.policy.engine import InvalidPlan, parse_plan, plan_from_json
from chaperon.policy.engine.plan import ConsentStatus, Kind, Stage

from .plans import DROP, changed, failed, judge, one_to_one

REFUSED = [
    (
        {"session__start": "2026-11-23T10:00:00"},
        "session.start: not an ISO 8601 date-time with offset",
    ),
    ({"session__start": "2026-11-23"}, "session.start: not an ISO 8601 date-time with offset"),
    (
        {"session__start": "23/11/2026 10:00"},
        "session.start: not an ISO 8601 date-time with offset",
    ),
    ({"session__start": 1795428000}, "session.start: not an ISO 8601 date-time with offset"),
    ({"session__start": DROP}, "session.start: missing; it is required"),
    ({"session__kind": "tutorial"}, "session.kind: must be one of one_to_one, group, webinar"),
    ({"session__stage": "during"}, "session.stage: must be one of book, start"),
    (
        {"session__duration_minutes": 0},
        "session.duration_minutes: must be a whole number of minutes between 1 and 1440",
    ),
    (
        {"session__duration_minutes": "40"},
        "session.duration_minutes: must be a whole number of minutes between 1 and 1440",
    ),
    (
        {"session__duration_minutes": 40.5},
        "session.duration_minutes: must be a whole number of minutes between 1 and 1440",
    ),
    (
        {"session__duration_minutes": True},
        "session.duration_minutes: must be a whole number of minutes between 1 and 1440",
    ),
    ({"session__platform": 3}, "session.platform: must be text or null"),
    (
        {"session__settings__passcode": "yes"},
        "session.settings.passcode: must be true, false or null (not known)",
    ),
    ({"session__settings": [True]}, "session.settings: must be an object"),
    (
        {"session__recording": {"purpose": "x"}},
        "session.recording.enabled: missing; it is required",
    ),
    ({"session__recording__enabled": None}, "session.recording.enabled: must be true or false"),
    (
        {"session__exception": {"approved_by_role": "slt", "approved_by": "st9", "covers": []}},
        "session.exception.reason: missing; it is required",
    ),
    (
        {
            "session__exception": {
                "approved_by_role": "slt",
                "approved_by": "st9",
                "reason": "r",
                "covers": "duration.max",
            }
        },
        "session.exception.covers: must be a list of rule identifiers",
    ),
    ({"staff__0__id": ""}, "staff[0].id: must be an id as text, not blank"),
    (
        {"staff__0__dbs_checked_on": "10/01/2025"},
        "staff[0].dbs_checked_on: not a date as YYYY-MM-DD (or null if not known)",
    ),
    (
        {"staff__0__dbs_checked_on": "2025-02-30"},
        "staff[0].dbs_checked_on: not a date as YYYY-MM-DD (or null if not known)",
    ),
    (
        {"staff__0__recording_consent": "yes"},
        "staff[0].recording_consent: must be true, false or null (not known)",
    ),
    (
        {"staff__0__suspended": "no"},
        "staff[0].suspended: must be true, false or null (not known)",
    ),
    (
        {"learners__0__date_of_birth": "20110615"},
        "learners[0].date_of_birth: not a date as YYYY-MM-DD (or null if not known)",
    ),
    (
        {"learners__0__consent__participation": "yes"},
        "learners[0].consent.participation: must be one of given, declined, withdrawn, missing",
    ),
    (
        {"learners__0__consent__parent_information": "given"},
        "learners[0].consent.parent_information: must be one of confirmed, missing",
    ),
    (
        {"learners__0__agreed_slots__0__from": "9am"},
        "learners[0].agreed_slots[0].from: "
        'must be a time of day as "HH:MM" (24-hour clock), e.g. "08:30"',
    ),
    (
        {"learners__0__agreed_slots__0__to": "08:00"},
        "learners[0].agreed_slots[0].to: must be later than from",
    ),
    (
        {"learners__0__agreed_slots__0__days": ["monday"]},
        "learners[0].agreed_slots[0].days[0]: not a day; use mon, tue, wed, thu, fri, sat or sun",
    ),
    (
        {"learners__0__agreed_slots__0__days": []},
        "learners[0].agreed_slots[0].days: must name at least one day",
    ),
    (
        {"learners__0__other_sessions_starts": ["2026-11-24T10:00:00"]},
        "learners[0].other_sessions_starts[0]: not an ISO 8601 date-time with offset",
    ),
    (
        {"learners__0__adult_present": 1},
        "learners[0].adult_present: must be true, false or null (not known)",
    ),
    ({"other_adults": [{"role": " "}]}, "other_adults[0].role: must be text, not blank"),
    ({"learners": {"id": "ln1"}}, "learners: must be a list of learners"),
    ({"staff": DROP}, "staff: missing; it is required"),
    ({"session": DROP}, "session: missing; it is required"),
    ({"version": 2}, "version: must be 1, the plan format this reads"),
    ({"version": True}, "version: must be 1, the plan format this reads"),
    ({"version": 1.0}, "version: must be 1, the plan format this reads"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSED)
def test_an_invalid_plan_is_refused_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidPlan) as refused:
        parse_plan(changed(one_to_one(), **changes))
    assert str(refused.value) == message
    assert refused.value.field == message.split(": ")[0]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("session__setings", "session.setings"),
        ("session__settings__waiting_rooms", "session.settings.waiting_rooms"),
        ("learners__0__consent__recordings", "learners[0].consent.recordings"),
        ("staff__0__dbs", "staff[0].dbs"),
        ("sesion", "sesion"),
    ],
)
def test_a_field_the_format_does_not_know_is_refused_not_ignored(path: str, field: str) -> None:
    with pytest.raises(InvalidPlan) as refused:
        parse_plan(changed(one_to_one(), **{path: True}))
    assert refused.value.field == field
    assert refused.value.problem.startswith("not a known field; the fields are ")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{",
            "plan: not valid JSON: "
            "Expecting property name enclosed in double quotes at line 1, column 2",
        ),
        ("[]", "plan: must be an object"),
        ('{"session": {}, "session": {}}', 'plan: the key "session" is given twice in one object'),
        (b"\xff", "plan: not valid JSON: not UTF-8 text"),
    ],
)
def test_text_that_is_no_plan_is_refused(source: str | bytes, message: str) -> None:
    with pytest.raises(InvalidPlan) as refused:
        plan_from_json(source)
    assert str(refused.value) == message


def test_the_example_plan_reads_as_given() -> None:
    plan = parse_plan(one_to_one())
    assert plan.session.kind is Kind.ONE_TO_ONE
    assert plan.session.stage is Stage.BOOK
    assert plan.session.start.isoformat() == "2026-11-23T10:00:00+00:00"
    assert plan.learners[0].consent.participation is ConsentStatus.GIVEN
    assert plan_from_json(__import__("json").dumps(one_to_one())) == plan


def test_a_start_with_an_offset_is_the_same_moment() -> None:
    assert (
        parse_plan(one_to_one(start="2026-06-15T11:00:00+01:00")).session.start
        == parse_plan(one_to_one(start="2026-06-15T10:00:00Z")).session.start
    )


def test_a_plan_of_nothing_but_ids_fails_closed_on_every_unknown_fact() -> None:
    """Every fact left out is unknown, and unknown never passes."""
    verdict = judge(
        {
            "session": {
                "kind": "one_to_one",
                "start": "2026-11-23T10:00:00Z",
                "duration_minutes": 30,
            },
            "staff": [{"id": "st1"}],
            "learners": [{"id": "ln1"}],
        }
    )
    assert verdict.decision == "block"
    assert failed(verdict) == [
        ("consent.participation", "block", "ln1"),
        ("consent.parent_information", "block", "ln1"),  # no date of birth: a minor
        ("time.agreed_slot", "block", "ln1"),
        ("frequency.weekly", "needs_exception", "ln1"),
        ("attendance.adult_present", "block", "ln1"),
        ("attendance.facilitator_invited", "warn", None),
        ("staff.dbs", "block", "st1"),
        ("staff.training", "block", "st1"),
        ("staff.aup", "block", "st1"),
        ("staff.suspended", "block", "st1"),
        ("platform.approved", "block", None),
        ("platform.account", "block", None),
        ("platform.waiting_room", "block", None),
        ("platform.passcode", "block", None),
        ("platform.video", "block", None),
        ("platform.screen_share", "block", None),
        ("platform.rename", "block", None),
        ("platform.lock", "block", None),
    ]
