"""People pickers at the size of a large school: 2,020 learners, 3,000 parents and carers,
200 staff.

    python bench/pickers.py [--quick]

On a throwaway database of its own, a fictional school is made first with 20 learners, and
the booking page, the staff concern form and a case page are fetched (through Django's test
client, signed in as a teacher and as the DSL); then the school grows to its full size and the
same pages are fetched again. Side by side: each page's size at both sizes (a page that
listed the organisation would grow by about 100 bytes a person). Then the pickers' search,
``/people/pick/<kind>/?q=``, is asked with three letters of a real surname, many times for
each kind: the time each answer takes (median and 95th percentile) and the most results sent.

The last line printed is one JSON object.
"""

import argparse
import json
import logging
import os
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from database import bench_database
from processes import percentile

LEARNERS, GUARDIANS, STAFF = 2_020, 3_000, 200
SURNAMES = [
    "Abbot", "Birch", "Carver", "Dale", "Ellery", "Finch", "Garnet", "Hollis", "Ingram",
    "Jessop", "Kendal", "Lowry", "Marsh", "Nolan", "Oakes", "Pryce", "Quill", "Rowe", "Stroud",
    "Tanner", "Upton", "Vance", "Wren", "Yates",
]  # fmt: skip
FIRST = ["Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou"]


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)


def _name(number: int) -> tuple[str, str]:
    return FIRST[number % len(FIRST)], f"{SURNAMES[number % len(SURNAMES)]}{number // 24}"


def _client(user: Any) -> Any:
    from django.test import Client

    from chaperon.accounts.session import SECOND_FACTOR_KEY

    client = Client()
    client.force_login(user, backend="chaperon.accounts.backends.EmailBackend")
    session = client.session
    session[SECOND_FACTOR_KEY] = True
    session.save()
    return client


def _school() -> tuple[Any, Any, Any]:
    from chaperon.core.actors import SYSTEM
    from chaperon.people import services as people

    organisation = people.organisation_create(actor=SYSTEM, name="Bench Hill School", slug="hill")
    today = date.today()
    checks: dict[str, Any] = {
        "dbs_checked_on": today - timedelta(days=100),
        "dbs_type": "enhanced_barred",
        "safeguarding_training_on": today - timedelta(days=30),
        "aup_signed_on": today - timedelta(days=30),
    }

    def member(email: str, name: str, role: str) -> Any:
        return people.staff_create(
            actor=SYSTEM,
            organisation=organisation,
            email=email,
            full_name=name,
            roles=[role],
            **checks,
        ).user

    dsl = member("dsl@hill.example", "Dee Ess", "dsl")
    teacher = member("teacher@hill.example", "Tee Cher", "teacher")
    return organisation, dsl, teacher


def _learners(organisation: Any, start: int, end: int) -> None:
    from chaperon.people.models import Learner

    Learner.objects.bulk_create(
        Learner(
            organisation=organisation,
            first_name=_name(number)[0],
            last_name=_name(number)[1],
            date_of_birth=date(2010 + number % 7, 1 + number % 12, 1 + number % 28),
            year_group=f"Year {7 + number % 7}",
        )
        for number in range(start, end)
    )


def _grow(organisation: Any, learners_now: int) -> None:
    from chaperon.core.actors import SYSTEM
    from chaperon.people import services as people
    from chaperon.people.models import Guardian

    _learners(organisation, learners_now, LEARNERS)
    Guardian.objects.bulk_create(
        Guardian(organisation=organisation, full_name=" ".join(_name(number + 7)))
        for number in range(GUARDIANS)
    )
    for number in range(STAFF - 2):
        people.staff_create(
            actor=SYSTEM,
            organisation=organisation,
            email=f"staff{number}@hill.example",
            full_name=" ".join(_name(number + 3)),
            roles=["teacher"],
        )


def _pages(teacher: Any, dsl: Any, concern_id: int) -> dict[str, int]:
    as_teacher, as_dsl = _client(teacher), _client(dsl)
    sizes = {
        "booking": as_teacher.get("/sessions/book/"),
        "concern_form": as_teacher.get("/concerns/new/"),
        "case": as_dsl.get(f"/concerns/{concern_id}/"),
    }
    for name, response in sizes.items():
        assert response.status_code == 200, (name, response.status_code)
    return {name: len(response.content) for name, response in sizes.items()}


def _searches(client: Any, kind: str, count: int) -> dict[str, float]:
    rng = random.Random(kind)
    times: list[float] = []
    most = 0
    for _ in range(count):
        text = rng.choice(SURNAMES)[:3].lower()
        began = time.perf_counter()
        response = client.get(f"/people/pick/{kind}/", {"q": text})
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
        most = max(most, len(response.json()["results"]))
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95) or 0.0, 2),
        "most_results": most,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer searches")
    searches = 40 if parser.parse_args().quick else 300
    with bench_database("chaperon_bench_pickers") as where:
        print(where)
        _setup_django()
        from chaperon.concerns.services import concern_raise

        organisation, dsl, teacher = _school()
        _learners(organisation, 0, 20)
        concern = concern_raise(
            actor=teacher,
            organisation=organisation,
            description="A fictional worry for measuring the case page.",
        )
        small = _pages(teacher, dsl, concern.pk)
        _grow(organisation, 20)
        large = _pages(teacher, dsl, concern.pk)
        print("page bytes at 20 learners:", small)
        print(f"page bytes at {LEARNERS} learners, {GUARDIANS} guardians, {STAFF} staff:", large)
        client = _client(teacher)
        timing = {kind: _searches(client, kind, searches) for kind in ("learners", "staff")}
        timing["guardians"] = _searches(client, "guardians", searches)
        for kind, figures in timing.items():
            print(f"search {kind}: {figures}")
        print(
            json.dumps(
                {
                    "bench": "pickers",
                    "learners": LEARNERS,
                    "guardians": GUARDIANS,
                    "staff": STAFF,
                    "page_bytes_small": small,
                    "page_bytes_large": large,
                    "search": timing,
                    "searches_each": searches,
                }
            )
        )


if __name__ == "__main__":
    main()
