"""Importing a OneRoster 1.2 CSV export: from empty, then the same export again unchanged.

    python bench/roster.py [--quick]

Writes a fictional export to a temporary folder (orgs, academicSessions, courses, classes,
users, roles, demographics, enrollments): 2,000 learners with 3,000 parents and carers, 200
staff, 400 classes (70 of them tutor groups) and 16,000 enrolments (400 of them teachers'),
then runs the import as ``chaperon import_oneroster --apply`` does, on a throwaway database of
its own (PostgreSQL when one answers, as in database.py, else SQLite), twice. Targets: the
first import under 60 s, the unchanged one under 20 s. ``--quick``: a set a tenth of the size,
on tables made straight from the models rather than by the migrations, so that the whole run
takes well under a minute. The last line printed is one JSON object.
"""

import argparse
import csv
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from database import bench_database


@dataclass(frozen=True)
class Size:
    learners: int
    guardians: int
    staff: int
    classes: int
    tutor_groups: int
    enrolments: int


FULL = Size(
    learners=2000, guardians=3000, staff=200, classes=400, tutor_groups=70, enrolments=16000
)
QUICK = Size(learners=200, guardians=300, staff=20, classes=40, tutor_groups=7, enrolments=1600)

FIRST = ["Alex", "Bea", "Cal", "Dee", "Eli", "Fen", "Gil", "Hal", "Ivy", "Jo", "Kit", "Lou"]
LAST = ["Ash", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Larch", "Oak", "Pine", "Rowan", "Yew"]
STAMP = "2026-09-01T08:00:00Z"


def _write(folder: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> int:
    with (folder / name).open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({"status": "active", "dateLastModified": STAMP, **row} for row in rows)
    return len(rows)


def _name(number: int) -> tuple[str, str]:
    return FIRST[number % len(FIRST)], f"{LAST[number // len(FIRST) % len(LAST)]}{number}"


def _users(size: Size) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    users, demographics = [], []
    agents: dict[int, list[str]] = {i: [] for i in range(size.learners)}
    for g in range(size.guardians):
        agents[g % size.learners].append(f"g{g}")
    for i in range(size.learners):
        given, family = _name(i)
        users.append(
            {
                "sourcedId": f"s{i}",
                "givenName": given,
                "familyName": family,
                "role": "student",
                "grades": f"{7 + i % 7:02d}",
                "agentSourcedIds": ",".join(agents[i]),
            }
        )
        demographics.append(
            {"sourcedId": f"s{i}", "birthDate": f"{2008 + i % 7}-0{1 + i % 9}-1{i % 9}"}
        )
    for g in range(size.guardians):
        given, family = _name(g + 50_000)
        users.append(
            {
                "sourcedId": f"g{g}",
                "givenName": given,
                "familyName": family,
                "role": "parent" if g % 5 else "guardian",
                "email": f"parent{g}@home.example",
                "agentSourcedIds": f"s{g % size.learners}",
            }
        )
    for t in range(size.staff):
        given, family = _name(t + 90_000)
        users.append(
            {
                "sourcedId": f"t{t}",
                "givenName": given,
                "familyName": family,
                "role": "teacher",
                "email": f"teacher{t}@bench-roster.example",
            }
        )
    return users, demographics


def _classes(size: Size) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    scheduled = size.classes - size.tutor_groups
    classes = [
        {"sourcedId": f"c{c}", "title": f"Tutor group {c}", "classType": "homeroom"}
        for c in range(size.tutor_groups)
    ] + [
        {
            "sourcedId": f"c{c}",
            "title": f"Class {c}",
            "classType": "scheduled",
            "courseSourcedId": f"k{c % 20}",
        }
        for c in range(size.tutor_groups, size.classes)
    ]
    enrolments = [
        {
            "sourcedId": f"e-t{c}",
            "classSourcedId": f"c{c}",
            "userSourcedId": f"t{c % size.staff}",
            "role": "teacher",
        }
        for c in range(size.classes)
    ]
    for i in range(size.learners):
        enrolments.append(
            {
                "sourcedId": f"e-h{i}",
                "classSourcedId": f"c{i % size.tutor_groups}",
                "userSourcedId": f"s{i}",
                "role": "student",
            }
        )
    k = 0
    while len(enrolments) < size.enrolments:
        for i in range(size.learners):
            if len(enrolments) >= size.enrolments:
                break
            c = size.tutor_groups + (i + k * 47) % scheduled
            enrolments.append(
                {
                    "sourcedId": f"e{k}-{i}",
                    "classSourcedId": f"c{c}",
                    "userSourcedId": f"s{i}",
                    "role": "student",
                }
            )
        k += 1
    return classes, enrolments


def write_export(folder: Path, size: Size) -> None:
    users, demographics = _users(size)
    classes, enrolments = _classes(size)
    _write(
        folder,
        "orgs.csv",
        ["sourcedId", "status", "dateLastModified", "name", "type"],
        [{"sourcedId": "o1", "name": "Bench Roster School", "type": "school"}],
    )
    _write(
        folder,
        "academicSessions.csv",
        ["sourcedId", "status", "dateLastModified", "title"],
        [{"sourcedId": "y1", "title": "2026 to 2027"}],
    )
    _write(
        folder,
        "courses.csv",
        ["sourcedId", "status", "dateLastModified", "title"],
        [{"sourcedId": f"k{k}", "title": f"Course {k}"} for k in range(20)],
    )
    _write(
        folder,
        "classes.csv",
        ["sourcedId", "status", "dateLastModified", "title", "classType", "courseSourcedId"],
        classes,
    )
    _write(
        folder,
        "users.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "givenName",
            "familyName",
            "role",
            "email",
            "grades",
            "agentSourcedIds",
        ],
        users,
    )
    _write(
        folder,
        "demographics.csv",
        ["sourcedId", "status", "dateLastModified", "birthDate"],
        demographics,
    )
    _write(
        folder,
        "enrollments.csv",
        ["sourcedId", "status", "dateLastModified", "classSourcedId", "userSourcedId", "role"],
        enrolments,
    )


def _setup_django(*, from_models: bool) -> None:
    """Django, and the throwaway database's tables: by running every migration, or (for the
    quick run) made straight from the models, which takes seconds instead of most of a
    minute. The latter leaves out what only migrations make (the audit log's database
    triggers), which the import's few audit events hardly notice."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    import django
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    logging.getLogger("chaperon").setLevel(logging.WARNING)
    if from_models:
        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=from_models)


def measure(size: Size, *, quick: bool = False) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as temporary,
        bench_database("chaperon_bench_roster") as where,
    ):
        folder = Path(temporary)
        write_export(folder, size)
        _setup_django(from_models=quick)
        from chaperon.core.actors import SYSTEM
        from chaperon.people import services as people
        from chaperon.people.models import GroupMember, Learner
        from chaperon.people.roster import read_folder, roster_import

        organisation = people.organisation_create(
            actor=SYSTEM, name="Bench Roster School", slug="bench-roster"
        )
        timings = []
        results = []
        for _ in range(2):
            started = time.perf_counter()
            result = roster_import(
                actor=SYSTEM, organisation=organisation, files=read_folder(folder), apply=True
            )
            timings.append(time.perf_counter() - started)
            assert not result.errors, result.errors[:5]
            results.append(result)
        first, again = results
        assert again.changes_nothing, again.summary()
        return {
            "where": where,
            "learners": Learner.objects.filter(organisation=organisation).count(),
            "members": GroupMember.objects.filter(group__organisation=organisation).count(),
            "first": first.summary(),
            "first_import_s": timings[0],
            "unchanged_import_s": timings[1],
            "rows": first.rows,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a set a tenth of the size")
    quick = parser.parse_args().quick
    measured = measure(QUICK if quick else FULL, quick=quick)
    print(f"where: {measured['where']}")
    print(f"learners {measured['learners']:,}, places in groups {measured['members']:,}")
    print(f"first import:     {measured['first_import_s']:6.2f} s (target 60 s)")
    print(f"unchanged import: {measured['unchanged_import_s']:6.2f} s (target 20 s)")
    print(
        json.dumps(
            {
                "bench": "roster",
                "first_import_s": round(measured["first_import_s"], 2),
                "unchanged_import_s": round(measured["unchanged_import_s"], 2),
                "rows": measured["rows"],
            }
        )
    )


if __name__ == "__main__":
    main()
