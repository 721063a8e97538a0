"""Policy benchmark: verdicts per second, and re-checking sessions after a consent is withdrawn.

    python bench/policy.py [--quick]

The engine runs in this one process, pinned to one CPU core where the system allows it; the
re-check from the database also uses the database server. It measures:
  * verdicts per second for a 1:1 plan and for a group plan of 30 learners: ``evaluate()`` on a
    plan and a policy that are already parsed (the figure the target is set for: at least
    20,000 per second for the 1:1), and, for the 1:1, parsing the plan's JSON text as well;
  * the time to re-check 1,000 upcoming sessions of one learner after their consent to take
    part is withdrawn, twice: the engine's share (1,000 prepared plans, four in five 1:1s, one
    in five groups of 30, judged again with the consent "withdrawn"), and the whole path from
    the database (``recheck.py``: the withdrawal recorded, each session loaded, its plan built
    from the records, judged, flagged, and the notices queued), on a throwaway database.

``--quick`` uses a shorter time for each figure and stays well under a minute. Every loop is
bounded in count and in time. The last line printed is one JSON object.
"""

import argparse
import dataclasses
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import recheck as recheck_from_database

from chaperon.policy.engine import (
    Plan,
    Policy,
    default_policy,
    evaluate,
    parse_plan,
    plan_from_json,
)
from chaperon.policy.engine.plan import ConsentStatus

WITHDRAWING = "ln0"  # the learner whose consent is withdrawn
RECHECK_SESSIONS = 1_000
FIRST_SESSION = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday


@dataclasses.dataclass(frozen=True)
class Sizes:
    seconds: float  # time for each rate, spread over ROUNDS rounds
    max_verdicts: int  # and at most this many verdicts for it
    recheck_rounds: int


ROUNDS = 5
FULL = Sizes(seconds=10.0, max_verdicts=2_000_000, recheck_rounds=7)
QUICK = Sizes(seconds=2.0, max_verdicts=400_000, recheck_rounds=3)


# Plans (fictional) ----------------------------------------------------------------------------

SETTINGS = {
    "waiting_room": True,
    "passcode": True,
    "host_video": True,
    "participant_video": True,
    "participant_screen_share": False,
    "participant_rename": False,
    "lock_when_all_arrived": True,
}


def _staff(number: int) -> dict[str, Any]:
    return {
        "id": f"st{number}",
        "dbs_checked_on": "2025-01-10",
        "safeguarding_training_on": "2026-09-01",
        "aup_signed_on": "2026-09-01",
        "recording_consent": True,
        "suspended": False,
    }


def _learner(number: int) -> dict[str, Any]:
    return {
        "id": f"ln{number}",
        "date_of_birth": f"{2008 + number % 5}-0{1 + number % 9}-15",
        "adult_at_risk": False,
        "consent": {
            "participation": "given",
            "recording": "given",
            "parent_information": "confirmed",
        },
        "agreed_slots": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "15:00"}
        ],
        "other_sessions_starts": ["2026-11-16T10:00:00Z"],
        "adult_present": True,
        "comfortable_being_recorded": True,
    }


def plan_data(learners: int, start: datetime = FIRST_SESSION) -> dict[str, Any]:
    """A plan the default policy allows: a 1:1 for one learner, a group for more."""
    return {
        "session": {
            "kind": "one_to_one" if learners == 1 else "group",
            "stage": "book",
            "start": start.isoformat(),
            "duration_minutes": 40,
            "platform": "builtin",
            "account": "organisation",
            "settings": dict(SETTINGS),
            "recording": {"enabled": True, "purpose": "Review of the advice given"},
            "risk_assessment_done": True,
            "exception": None,
        },
        "staff": [_staff(1), _staff(2)] if learners > 1 else [_staff(1)],
        "learners": [_learner(number) for number in range(learners)],
        "other_adults": [{"role": "guardian"}],
    }


# Measuring ------------------------------------------------------------------------------------


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (this system cannot)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def rate(work: Callable[[], object], sizes: Sizes) -> tuple[float, int]:
    """Calls per second: the median of ROUNDS timed rounds, each as long as a share of the
    time allows (estimated from a warm-up), and the number of calls made."""
    started = time.perf_counter()
    warm = 0
    while time.perf_counter() - started < 0.2 and warm < 10_000:
        work()
        warm += 1
    per_call = (time.perf_counter() - started) / warm
    batch = max(1, min(int(sizes.seconds / ROUNDS / per_call), sizes.max_verdicts // ROUNDS))
    rates = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(batch):
            work()
        rates.append(batch / (time.perf_counter() - started))
    return statistics.median(rates), batch * ROUNDS


def upcoming_plans(policy: Policy) -> list[Plan]:
    """The withdrawing learner's 1,000 upcoming sessions, each allowed as booked: four in
    five 1:1s, one in five groups of 30, at 10:00 on the weekdays ahead."""
    plans = []
    for number in range(RECHECK_SESSIONS):
        week, weekday = divmod(number, 5)
        start = FIRST_SESSION + timedelta(weeks=week, days=weekday)
        data = plan_data(30 if number % 5 == 4 else 1, start)
        data["learners"][0]["other_sessions_starts"] = []
        for member in data["staff"]:  # current on every session date ahead
            member["dbs_checked_on"] = member["safeguarding_training_on"] = start.date().isoformat()
            member["aup_signed_on"] = start.date().isoformat()
        plans.append(parse_plan(data))
    assert all(evaluate(policy, plan).decision == "allow" for plan in plans)
    return plans


def withdrawn(plan: Plan) -> Plan:
    learners = tuple(
        dataclasses.replace(
            one, consent=dataclasses.replace(one.consent, participation=ConsentStatus.WITHDRAWN)
        )
        if one.id == WITHDRAWING
        else one
        for one in plan.learners
    )
    return dataclasses.replace(plan, learners=learners)


def recheck(policy: Policy, plans: list[Plan]) -> tuple[float, int]:
    """Seconds to re-judge every plan with the learner's consent withdrawn, and how many of
    them are now blocked."""
    started = time.perf_counter()
    blocked = sum(evaluate(policy, withdrawn(plan)).decision == "block" for plan in plans)
    return time.perf_counter() - started, blocked


def describe_machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"Python {platform.python_version()}; {platform.machine()}; {os.cpu_count()} cores; "
        f"load average {load}"
    )


# The run --------------------------------------------------------------------------------------


def run(sizes: Sizes, quick: bool) -> dict[str, Any]:
    print(f"machine: {describe_machine()}; {pin_to_one_core()}")
    policy = default_policy()
    one_to_one_text = json.dumps(plan_data(1))
    one_to_one, group = plan_from_json(one_to_one_text), parse_plan(plan_data(30))
    assert evaluate(policy, one_to_one).decision == "allow"
    assert evaluate(policy, group).decision == "allow"
    print("verdicts per second, plan and policy already parsed (median of 5 rounds):")

    one_rate, one_count = rate(lambda: evaluate(policy, one_to_one), sizes)
    print(f"  1:1 plan:              {one_rate:>9,.0f}/s  ({one_count:,} verdicts)")
    print("  (target: at least 20,000/s on one core)")
    group_rate, group_count = rate(lambda: evaluate(policy, group), sizes)
    print(f"  group of 30 learners:  {group_rate:>9,.0f}/s  ({group_count:,} verdicts)")
    parsed_rate, parsed_count = rate(
        lambda: evaluate(policy, plan_from_json(one_to_one_text)), sizes
    )
    print(f"1:1 plan, parsing its JSON text too: {parsed_rate:,.0f}/s ({parsed_count:,} verdicts)")

    plans = upcoming_plans(policy)
    timings = []
    for _ in range(sizes.recheck_rounds):
        seconds, blocked = recheck(policy, plans)
        assert blocked == RECHECK_SESSIONS, blocked
        timings.append(seconds)
    recheck_s = statistics.median(timings)
    print(
        f"re-check of {RECHECK_SESSIONS:,} upcoming sessions after a consent is withdrawn: "
        f"{recheck_s * 1000:.1f} ms (median of {sizes.recheck_rounds}; all {blocked:,} now "
        "blocked)"
    )
    print("  engine only: judging prepared plans")
    whole = recheck_from_database.measure(RECHECK_SESSIONS)
    print(
        f"re-check of {whole['sessions']:,} upcoming sessions from the database after a consent "
        f"is withdrawn, from recording the withdrawal to every session flagged and its notices "
        f"queued: {whole['seconds']:.2f} s ({whole['flagged']:,} flagged; {whole['where']})"
    )
    return {
        "bench": "policy",
        "one_to_one_per_s": round(one_rate),
        "group30_per_s": round(group_rate),
        "recheck_1000_s": round(whole["seconds"], 3),
        "recheck_1000_engine_s": round(recheck_s, 4),
        "one_to_one_parse_and_evaluate_per_s": round(parsed_rate),
        "database": whole["where"].split(" ")[0].lower(),
        "quick": quick,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings, under a minute")
    options = parser.parse_args()
    summary = run(QUICK if options.quick else FULL, options.quick)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
