"""Trust benchmark: the overview of a fifty-school trust, side by side with a two-school one.

    python bench/trust.py [--quick]

On a throwaway database (``database.bench_database``) it makes two trusts of fictional schools:
one of 50 schools and one of 2, every school with 80 staff (one in ten with a lapsed check), 400
sessions this term (one in twenty flagged), 40 concerns (a quarter closed) and 40 recordings (a
tenth held as evidence), written directly in bulk. It then reads each trust's overview as a
trust board member would (``trusts.selectors.trust_overview_for``, the figures and the first
page of schools) and reports the median time of several reads and the queries each read makes.
Targets: the same number of queries for 50 schools as for 2, and the 50-school overview in
under 500 ms.

``--quick`` makes 20 schools instead of 50 and reads fewer times. The last line printed is one
JSON object.
"""

import argparse
import json
import logging
import os
import platform
import statistics
import time
from datetime import timedelta
from typing import Any

from database import bench_database

STAFF, SESSIONS, CONCERNS, RECORDINGS = 80, 400, 40, 40


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)


def _school(trust: Any, number: int) -> None:
    """One fictional school, filled in bulk."""
    from django.utils import timezone

    from chaperon.concerns.models import Concern
    from chaperon.core.actors import SYSTEM
    from chaperon.people import services
    from chaperon.people.models import StaffMember, User
    from chaperon.recordings.models import LegalHold, Recording
    from chaperon.sessions.models import Session
    from chaperon.trusts.terms import term_containing, today_in_the_uk

    slug = f"{trust.slug}-{number}"
    school = services.organisation_create(
        actor=SYSTEM, name=f"Bench School {number}", slug=slug, postcode=f"ZZ{number} 1AB"
    )
    services.trust_add_school(actor=SYSTEM, trust=trust, organisation=school)
    today = today_in_the_uk()
    users = User.objects.bulk_create(
        User(email=f"s{n}@{slug}.example", full_name=f"Staff {n}", organisation=school)
        for n in range(STAFF)
    )
    lapsed, current = today - timedelta(days=4 * 365), today - timedelta(days=100)
    StaffMember.objects.bulk_create(
        StaffMember(
            organisation=school,
            user=user,
            dbs_checked_on=lapsed if n % 10 == 0 else current,
            safeguarding_training_on=current,
            aup_signed_on=current,
        )
        for n, user in enumerate(users)
    )
    term = term_containing(today)
    span = (term.until - term.since) / SESSIONS
    sessions = Session.objects.bulk_create(
        Session(
            organisation=school,
            organiser=users[n % STAFF],
            kind="group",
            title=f"Lesson {n}",
            start=term.since + span * n,
            duration_minutes=45,
            status="booked",
            flagged=n % 20 == 0,
        )
        for n in range(SESSIONS)
    )
    now = timezone.now()
    Concern.objects.bulk_create(
        Concern(
            organisation=school,
            reference=f"SG-{number}-{n:04d}",
            kind="concern",
            source="staff",
            description="A fictional concern.",
            category=["content", "contact", "conduct", "commerce", "not_sure"][n % 5],
            status=["raised", "acknowledged", "triaged", "closed"][n % 4],
            last_alerted_at=now,
        )
        for n in range(CONCERNS)
    )
    recordings = Recording.objects.bulk_create(
        Recording(
            organisation=school,
            session=sessions[n],
            purpose="Bench",
            started_by=users[0],
            started_at=now,
            status="complete",
            retain_until=now + timedelta(days=30),
        )
        for n in range(RECORDINGS)
    )
    LegalHold.objects.bulk_create(
        LegalHold(
            organisation=school,
            recording=recording,
            case_reference="SG-0",
            reason="Bench",
            placed_at=now,
        )
        for recording in recordings[: RECORDINGS // 10]
    )


def _trust(slug: str, schools: int) -> tuple[Any, Any]:
    from chaperon.core.actors import SYSTEM
    from chaperon.people import services
    from chaperon.people.models import User

    trust = services.trust_create(actor=SYSTEM, name=f"Bench Trust {slug}", slug=slug)
    for number in range(schools):
        _school(trust, number)
    board = User.objects.filter(organisation__trust=trust).earliest("pk")
    services.trust_add_member(actor=SYSTEM, trust=trust, user=board, role="trust_board")
    return trust, board


def _read(trust: Any, board: Any, reads: int) -> tuple[float, int, Any]:
    """Median seconds of ``reads`` overviews, and the queries one makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chaperon.trusts.selectors import trust_overview_for

    times = []
    for _ in range(reads):
        board = type(board).objects.get(pk=board.pk)  # nothing cached between reads
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            overview = trust_overview_for(board, trust.pk)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries), overview


def main(quick: bool) -> dict[str, Any]:
    schools, reads = (20, 5) if quick else (50, 15)
    with bench_database("chaperon_bench_trust") as where:
        _setup_django()
        made = time.perf_counter()
        big, big_board = _trust("big", schools)
        small, small_board = _trust("small", 2)
        made = time.perf_counter() - made
        big_s, big_queries, overview = _read(big, big_board, reads)
        small_s, small_queries, _ = _read(small, small_board, reads)
    print(f"database: {where}")
    print(
        f"machine: Python {platform.python_version()}; {os.cpu_count()} cores; load average "
        + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    )
    print(f"made {schools + 2} schools in {made:.1f} s")
    print(
        f"overview of {schools} schools: {big_s * 1000:.0f} ms, {big_queries} queries "
        f"({overview.total.staff:,} staff, {overview.total.sessions:,} sessions, "
        f"{overview.total.open_concerns:,} open concerns)"
    )
    print(f"overview of 2 schools:  {small_s * 1000:.0f} ms, {small_queries} queries")
    print("(targets: the same queries for both; the larger under 500 ms)")
    return {
        "bench": "trust",
        "schools": schools,
        "overview_ms": round(big_s * 1000, 1),
        "overview_queries": big_queries,
        "two_schools_ms": round(small_s * 1000, 1),
        "two_schools_queries": small_queries,
        "same_queries": big_queries == small_queries,
        "under_target": big_s < 0.5,
        "quick": quick,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 schools, fewer reads")
    summary = main(parser.parse_args().quick)
    print(json.dumps(summary))
