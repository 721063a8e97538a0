"""Chronology PDF benchmark: the time to make the PDF of a chronology of 1,000 items.

    python bench/chronology.py [--quick]

The chronology is built in memory (fictional learner, 1,000 items of the shapes the page shows:
a heading, a title, a paragraph of detail, a reason on every third), so the figure is the PDF's
own cost, with no database. Side by side in the same run, the same items are laid out with
fpdf2's ``multi_cell``, as the export once did, to show what breaking lines ourselves saves.
Target: 1,000 items in under 2 seconds.

``--quick`` makes the PDF twice instead of five times and times ``multi_cell`` on 200 items
(scaled to 1,000). The last line printed is one JSON object.
"""

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

ITEMS = 1_000
TARGET_SECONDS = 2.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaperon.settings.test")
    import django

    django.setup()


def _chronology(count: int) -> Any:
    from chaperon.concerns.chronology import Chronology, Item
    from chaperon.people.models import Learner, Organisation, User

    organisation = Organisation(name="Northfield Academy", slug="northfield")
    learner = Learner(
        organisation=organisation,
        first_name="Ruby",
        last_name="Example",
        date_of_birth=date(2012, 3, 4),
    )
    made_by = User(full_name="Dana Lead", organisation=organisation)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    detail = (
        "The learner said during the lesson that an older pupil had been messaging them late "
        "at night and asked them to keep it secret; the teacher wrote down what was said. "
    ) * 2
    items = [
        Item(
            at=start + timedelta(hours=index),
            kind=("Concern", "Decision", "Session", "Consent")[index % 4],
            title=f"Triage decision {index}: what was seen and what was decided about it",
            detail=detail,
            reason="It met the threshold for a referral" if index % 3 == 0 else "",
            reference=f"C-2026-{index:04d}",
        )
        for index in range(count)
    ]
    return Chronology(learner=learner, items=items, made_at=start, made_by=made_by)


def _with_multi_cell(chronology: Any) -> bytes:
    """The same document, each paragraph laid out by fpdf2's ``multi_cell``."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from chaperon.concerns.pdf import latin1

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, style: str = "", size: int = 10) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    for item in chronology.items:
        line(f"{item.at:%d %b %Y %H:%M}  {item.kind}  {item.reference}", style="B")
        line(item.title)
        line(item.detail, size=9)
        if item.reason:
            line(f"Reason: {item.reason}", size=9)
        pdf.ln(2)
    return bytes(pdf.output())


def _timed(make: Any, chronology: Any, rounds: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        size = len(make(chronology))
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, under a minute")
    quick = parser.parse_args().quick
    _setup_django()
    from chaperon.concerns.pdf import chronology_pdf

    chronology = _chronology(ITEMS)
    seconds, size = _timed(chronology_pdf, chronology, 2 if quick else 5)
    baseline_items = 200 if quick else ITEMS
    baseline, _ = _timed(_with_multi_cell, _chronology(baseline_items), 1)
    baseline_per_item_ms = baseline / baseline_items * 1000
    per_item_ms = seconds / ITEMS * 1000
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: Python {platform.python_version()}; {os.cpu_count()} cores; load {load}")
    print(f"chronology PDF: {ITEMS:,} items in {seconds:.2f} s = {per_item_ms:.2f} ms per item")
    print(f"  ({size:,} bytes; target: under {TARGET_SECONDS:.0f} s)")
    print(
        f"with multi_cell: {baseline_items:,} items in {baseline:.2f} s = "
        f"{baseline_per_item_ms:.2f} ms per item"
    )
    print(
        json.dumps(
            {
                "bench": "chronology_pdf",
                "items": ITEMS,
                "seconds": round(seconds, 3),
                "per_item_ms": round(per_item_ms, 3),
                "multi_cell_per_item_ms": round(baseline_per_item_ms, 3),
                "bytes": size,
                "quick": quick,
            }
        )
    )


if __name__ == "__main__":
    main()
