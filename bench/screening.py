"""Chat screening benchmark: messages screened per second, latency per message, and precision
and recall on the fictional evaluation set, rules alone beside rules with the model.

    python bench/screening.py [--quick]

The screener (``chaperon.rooms.screening``, docs/rooms.md) runs in this one process, pinned to
one CPU core where the system allows it; no database. It measures, in one run:
  * for the rules alone and for the rules with the abusive-language model (what the rooms
    run), messages per second and the 95th percentile of the time to screen one message, over
    the evaluation set (tests/rooms/screening_eval.jsonl) screened round after round, the two
    taking turns round by round so that anything else on the machine weighs on both alike
    (target: p95 under 5 ms);
  * for each, precision and recall of holding back (grade 4 or 5) against the set's labels,
    and per category: a message labelled with a category counts as found when the screening
    names that category at grade 3 or more;
  * the package's own ``predict_prob`` for one message, which the screener does not call (it
    reads the same weights once and sums them itself), to show why;
  * the time to load the model once (the first message a process screens pays it).

``--quick`` uses a shorter time and stays well under a minute. Every loop is bounded in count
and in time. The last line printed is one JSON object.
"""

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chaperon.rooms.screening import CATEGORIES, HOLD_GRADE, Screening, model, screen

EVAL = Path(__file__).resolve().parent.parent / "tests" / "rooms" / "screening_eval.jsonl"
FLAGGED = 3  # a category counts as found at this grade or more


@dataclass(frozen=True)
class Sizes:
    seconds: float  # time for each variant, in rounds over the whole set
    max_rounds: int
    package_messages: int  # messages scored by the package's own predict_prob


FULL = Sizes(seconds=20.0, max_rounds=2_000, package_messages=2_000)
QUICK = Sizes(seconds=4.0, max_rounds=400, package_messages=300)


def _pin() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {0})
            return "pinned to CPU 0"
        except OSError:
            pass
    return "not pinned"


def _items() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EVAL.read_text().splitlines() if line.strip()]


def _timed_round(variant: Callable[[str], Screening], texts: list[str], into: list[int]) -> int:
    total = 0
    for text in texts:
        start = time.perf_counter_ns()
        variant(text)
        took = time.perf_counter_ns() - start
        into.append(took)
        total += took
    return total


def _speed(
    variants: dict[str, Callable[[str], Screening]], texts: list[str], sizes: Sizes
) -> dict[str, dict[str, float]]:
    times: dict[str, list[int]] = {name: [] for name in variants}
    spent = dict.fromkeys(variants, 0)
    rounds = 0
    deadline = time.monotonic() + sizes.seconds * len(variants)
    while rounds < sizes.max_rounds and time.monotonic() < deadline:
        for name, variant in variants.items():  # turn by turn
            spent[name] += _timed_round(variant, texts, times[name])
        rounds += 1
    return {
        name: {
            "messages": len(times[name]),
            "messages_per_s": len(times[name]) / (spent[name] / 1e9),
            "p95_ms": statistics.quantiles(times[name], n=100)[94] / 1e6,
            "p50_ms": statistics.median(times[name]) / 1e6,
            "max_ms": max(times[name]) / 1e6,
        }
        for name in variants
    }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _quality(variant: Callable[[str], Screening], items: list[dict[str, Any]]) -> dict[str, Any]:
    held_right = held = should = 0
    found = dict.fromkeys(CATEGORIES, 0)
    named = dict.fromkeys(CATEGORIES, 0)
    labelled = dict.fromkeys(CATEGORIES, 0)
    for item in items:
        screening = variant(item["text"])
        is_held, should_hold = screening.grade >= HOLD_GRADE, item["grade"] >= HOLD_GRADE
        held += is_held
        should += should_hold
        held_right += is_held and should_hold
        names = {hit.category for hit in screening.categories if hit.grade >= FLAGGED}
        for category in CATEGORIES:
            label = category in item["categories"]
            labelled[category] += label
            named[category] += category in names
            found[category] += label and category in names
    return {
        "precision": _ratio(held_right, held),
        "recall": _ratio(held_right, should),
        "held": held,
        "should_hold": should,
        "per_category": {
            category: {
                "precision": _ratio(found[category], named[category]),
                "recall": _ratio(found[category], labelled[category]),
                "labelled": labelled[category],
            }
            for category in CATEGORIES
        },
    }


def _package_p95(texts: list[str], count: int) -> float:
    from profanity_check import predict_prob

    times = []
    for number in range(count):
        start = time.perf_counter_ns()
        predict_prob([texts[number % len(texts)]])
        times.append(time.perf_counter_ns() - start)
    return statistics.quantiles(times, n=100)[94] / 1e6


def run(sizes: Sizes, quick: bool) -> dict[str, Any]:
    pinned = _pin()
    items = _items()
    load = time.perf_counter()
    model.weights()
    load = time.perf_counter() - load
    texts = [item["text"] for item in items]
    variants: dict[str, Callable[[str], Screening]] = {
        "rules": lambda text: screen(text, use_model=False),
        "rules_and_model": screen,
    }
    print(
        f"machine: Python {platform.python_version()}; {platform.machine()}; "
        f"{os.cpu_count()} cores; load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; {pinned}"
    )
    print(
        f"evaluation set: {len(items)} fictional messages, "
        f"{sum(1 for item in items if item['grade'] >= HOLD_GRADE)} of them to hold (grade 4+)"
    )
    print(f"model loaded once in {load:.2f} s (scikit-learn imported to read the package's files)")
    speed = _speed(variants, texts, sizes)
    quality = {name: _quality(variant, items) for name, variant in variants.items()}
    for name in variants:
        s, q = speed[name], quality[name]
        print(
            f"{name.replace('_and_', ' + ')}: {s['messages_per_s']:,.0f} messages/s, "
            f"p50 {s['p50_ms']:.3f} ms, p95 {s['p95_ms']:.3f} ms, max {s['max_ms']:.2f} ms "
            f"({s['messages']:,} messages); held: precision {q['precision']:.3f}, "
            f"recall {q['recall']:.3f} ({q['held']} held of {q['should_hold']} to hold)"
        )
    print("per category (found at grade 3+), precision / recall:")
    print(f"  {'category':<16}{'labelled':>9}{'rules':>16}{'rules + model':>18}")
    for category in CATEGORIES:
        rules = quality["rules"]["per_category"][category]
        both = quality["rules_and_model"]["per_category"][category]
        print(
            f"  {category:<16}{rules['labelled']:>9}"
            f"{rules['precision']:>8.2f} /{rules['recall']:>5.2f}"
            f"{both['precision']:>10.2f} /{both['recall']:>5.2f}"
        )
    package = _package_p95(texts, sizes.package_messages)
    print(
        f"the package's own predict_prob, one message: p95 {package:.2f} ms "
        "(not used: the screener sums the same weights itself)"
    )
    headline, best = speed["rules_and_model"], quality["rules_and_model"]
    return {
        "bench": "screening",
        "messages_per_s": round(headline["messages_per_s"]),
        "p95_ms": round(headline["p95_ms"], 4),
        "precision": round(best["precision"], 3),
        "recall": round(best["recall"], 3),
        "rules_only_messages_per_s": round(speed["rules"]["messages_per_s"]),
        "rules_only_p95_ms": round(speed["rules"]["p95_ms"], 4),
        "rules_only_precision": round(quality["rules"]["precision"], 3),
        "rules_only_recall": round(quality["rules"]["recall"], 3),
        "per_category": {
            category: [round(values["precision"], 3), round(values["recall"], 3)]
            for category, values in best["per_category"].items()
        },
        "package_predict_prob_p95_ms": round(package, 3),
        "model_load_s": round(load, 2),
        "messages": len(items),
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
