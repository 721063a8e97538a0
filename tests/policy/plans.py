"""Plans to judge: a 1:1 that the default policy allows, and small ways to change it.

Every plan here is fictional. The base session is on Monday 23 November 2026 at 10:00 in London
(GMT, so 10:00Z), 40 minutes, with a learner of 15 whose slots, consents and adult are all in
order, and a member of staff whose checks are current.
"""

import copy
from collections.abc import Iterable
from typing import Any

from chaperon.policy.engine import Policy, Verdict, default_policy, evaluate, parse_plan

ROOM_SETTINGS = {
    "waiting_room": True,
    "passcode": True,
    "host_video": True,
    "participant_video": True,
    "participant_screen_share": False,
    "participant_rename": False,
    "lock_when_all_arrived": True,
}


def staff_member(staff_id: str = "st1", **facts: Any) -> dict[str, Any]:
    member = {
        "id": staff_id,
        "dbs_checked_on": "2025-01-10",
        "safeguarding_training_on": "2026-09-01",
        "aup_signed_on": "2026-09-01",
        "recording_consent": True,
        "suspended": False,
    }
    return member | facts


def learner(learner_id: str = "ln1", **facts: Any) -> dict[str, Any]:
    one = {
        "id": learner_id,
        "date_of_birth": "2011-06-15",
        "adult_at_risk": False,
        "consent": {
            "participation": "given",
            "recording": "given",
            "parent_information": "confirmed",
        },
        "agreed_slots": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "15:00"}
        ],
        "other_sessions_starts": [],
        "adult_present": True,
        "comfortable_being_recorded": True,
    }
    return one | facts


def one_to_one(**session: Any) -> dict[str, Any]:
    """A 1:1 plan that the default policy allows; ``session`` replaces session fields."""
    return {
        "session": {
            "kind": "one_to_one",
            "stage": "book",
            "start": "2026-11-23T10:00:00Z",
            "duration_minutes": 40,
            "platform": "builtin",
            "account": "organisation",
            "settings": dict(ROOM_SETTINGS),
            "recording": {"enabled": False, "purpose": None},
            "risk_assessment_done": True,
            "exception": None,
        }
        | session,
        "staff": [staff_member()],
        "learners": [learner()],
        "other_adults": [{"role": "guardian"}],
    }


def group(learners: int = 3, staff: int = 2, **session: Any) -> dict[str, Any]:
    """A group plan that the default policy allows."""
    plan = one_to_one(**({"kind": "group"} | session))
    plan["staff"] = [staff_member(f"st{number}") for number in range(1, staff + 1)]
    plan["learners"] = [learner(f"ln{number}") for number in range(1, learners + 1)]
    plan["other_adults"] = []
    return plan


def changed(plan: dict[str, Any], **paths: Any) -> dict[str, Any]:
    """A copy of ``plan`` with values set by path: ``changed(p, session__duration_minutes=50,
    learners__0__adult_present=None)``. A value of ``DROP`` removes the key."""
    result = copy.deepcopy(plan)
    for path, value in paths.items():
        *parents, last = path.split("__")
        target: Any = result
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        key: Any = int(last) if last.isdigit() else last
        if value is DROP:
            del target[key]
        else:
            target[key] = value
    return result


DROP = object()


def judge(plan: dict[str, Any], policy: Policy | None = None) -> Verdict:
    return evaluate(policy or default_policy(), parse_plan(plan))


def failed(verdict: Verdict) -> list[tuple[str, str, str | None]]:
    """The findings as (rule, outcome, subject)."""
    return [(finding.rule, finding.outcome.value, finding.subject) for finding in verdict.findings]


def rules_of(verdict: Verdict) -> set[str]:
    return {finding.rule for finding in verdict.findings}


def only(verdict: Verdict, rules: Iterable[str]) -> list[tuple[str, str, str | None]]:
    wanted = set(rules)
    return [item for item in failed(verdict) if item[0] in wanted]
