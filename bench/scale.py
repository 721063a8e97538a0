"""Scale benchmark: every page of a large school beside the demo school, and both dashboards'
throughput against ``/healthz``.

    DATABASE_URL=postgres://... python bench/scale.py [--quick]

PostgreSQL only (``DATABASE_URL``, else 127.0.0.1:5432): a throwaway database
``chaperon_scale`` is created and dropped. In it, beside the demo school (``load_demo``), a
large school is built:

  * through the product's own import (``people_import``, CSV text, as ``chaperon
    import_people`` does): 200 staff (every kind of role; some checks expired, expiring or not
    recorded), 2,020 learners and 3,000 parents and carers linked to them;
  * through the services: the organisation, and a few concerns raised from the public page
    (the concern opened in the detail page is one of them, with its entries and steps);
  * by bulk inserts (PostgreSQL ``COPY``, since history cannot be made through the services
    in reasonable time): 20,000 past sessions with their staff, learners and meeting records,
    300 upcoming sessions (some flagged as no longer allowed), 2,000 past concerns (some still
    waiting or open) and 500,000 audit events, written with the real chain encoding after the
    events the import and services wrote on the school's own chain, so that ``verify``
    passes (checked at the end).

Then, with Chaperon served by ``chaperon serve`` itself (``processes.chaperon_serve``: its web
server, task worker and scheduler; ``DEBUG`` off) once ``/healthz`` says 200, for each school
it requests every page below 20 times (``--quick``: 10) after two warm-up requests, one at a
time, and reports p50 and p95 (and the page's database queries, counted in-process on one
further request): the DSL's and the teacher's dashboards, the concerns list, a concern's page,
a learner's chronology as PDF, the learners list, the staff list, the sessions list and the
consent group overview (as the DSL), the staff report form and the booking form (as a
teacher). Then several clients at once request ``/healthz``, the teacher's dashboard and the
DSL's dashboard of the large school, each for a fixed time; each dashboard's requests per
second over ``/healthz``'s is its ratio. Beside them, the cheapest request a signed-in user can
make (a people search that finds nobody: the session, the user and their roles, one indexed
query) gives the ratio no signed-in page can exceed, ``signed_in_floor_ratio``. Throughout,
the open connections to the database (``pg_stat_activity``, the benchmark's own included) are
sampled.

``--quick`` builds a school a tenth of the size, times 10 requests per page and runs
throughput for 3 s: under a minute on a quiet machine. The last line printed is one JSON object.
"""

import argparse
import hashlib
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from database import bench_database
from processes import chaperon_serve, free_port, percentile

ROOT = Path(__file__).resolve().parents[1]
LARGE_SLUG = "bench-large-school"
DOMAIN = "bench-large.example"
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
WARM_UP = 2
CLIENTS = 4
SLOW_MS = 300.0


@dataclass(frozen=True)
class Sizes:
    staff: int
    learners: int
    guardians: int
    past_sessions: int
    upcoming_sessions: int
    concerns: int
    audit_events: int
    throughput_seconds: float
    requests: int  # timed requests per page


FULL = Sizes(200, 2_020, 3_000, 20_000, 300, 2_000, 500_000, 10.0, 20)
QUICK = Sizes(40, 202, 300, 2_000, 60, 200, 50_000, 3.0, 10)

# The cheapest request a signed-in member of staff can make: the session, the user and their
# roles read as for every page, then one indexed search that finds nobody and a little JSON.
# No page can serve more requests per second than this one.
SIGNED_IN_FLOOR = "/people/pick/staff/?q=zzzzzz"


# The large school -------------------------------------------------------------------------------


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def _import(organisation: Any, kind: str, text: str) -> None:
    from chaperon.core.actors import SYSTEM
    from chaperon.people.imports import people_import

    result = people_import(actor=SYSTEM, organisation=organisation, kind=kind, text=text)
    if result.refused:
        raise SystemExit(f"the {kind} import was refused: {result.errors[:3]}")


def _staff_roles(number: int) -> str:
    if number == 0:
        return "dsl"
    if number < 3:
        return "deputy_dsl"
    if number < 8:
        return "slt;teacher"
    if number < 10:
        return "ict"
    if number < 12:
        return "admin"
    if number < 14:
        return "board"
    return "teacher"


def _done_on(today: date, number: int, salt: int) -> str:
    """Mostly current; every so often expired, expiring or not recorded."""
    choice = (number * 7 + salt) % 23
    if choice == 0:
        return ""
    if choice == 1:
        return (today - timedelta(days=1_500)).isoformat()
    if choice == 2:
        return (today - timedelta(days=350)).isoformat()
    return (today - timedelta(days=30 + number % 200)).isoformat()


def _import_people(organisation: Any, sizes: Sizes, today: date) -> None:
    staff = (
        [
            f"S{n:04d}",
            f"Staff Member {n:03d}",
            f"staff{n}@{DOMAIN}",
            _staff_roles(n),
            "Teacher",
            _done_on(today, n, 0),
            "enhanced_barred",
            _done_on(today, n, 5),
            _done_on(today, n, 11),
        ]
        for n in range(sizes.staff)
    )
    header = "external_id,full_name,email,roles,job_title,dbs_checked_on,dbs_type"
    header += ",safeguarding_training_on,aup_signed_on"
    _import(organisation, "staff", _csv(header.split(","), staff))
    learners = (
        [
            f"L{n:05d}",
            f"Learner{n}",
            f"Surname{n % 400}",
            date(today.year - 11 - n % 7, 1 + n % 12, 1 + n % 28).isoformat(),
            f"Year {7 + n % 7}",
            "yes" if n % 97 == 0 else "no",
        ]
        for n in range(sizes.learners)
    )
    header = "external_id,first_name,last_name,date_of_birth,year_group,adult_at_risk"
    _import(organisation, "learners", _csv(header.split(","), learners))
    guardians = (
        [
            f"G{n:05d}",
            f"Carer {n}",
            f"carer{n}@home.{DOMAIN}",
            f"L{n % sizes.learners:05d}",
            ("mother", "father", "grandparent")[n % 3],
            "yes" if n % 3 != 2 else "no",
        ]
        for n in range(sizes.guardians)
    )
    header = "external_id,full_name,email,learner_external_id,relationship,parental_responsibility"
    _import(organisation, "guardians", _csv(header.split(","), guardians))


def copy_rows(model: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Write ``rows`` (values by field attname; the rest take the field's default) to
    ``model``'s table with PostgreSQL ``COPY``: the bulk path for history."""
    from django.db import connection
    from django.db.models import JSONField

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    now = datetime.now(UTC)
    defaults = {field.attname: field.get_default() for field in fields}
    for stamp in ("created_at", "updated_at"):
        if stamp in defaults:
            defaults[stamp] = now
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for field in fields:
                value = row.get(field.attname, defaults[field.attname])
                values.append(json.dumps(value) if isinstance(field, JSONField) else value)
            copy.write_row(values)


def _sessions(organisation: Any, sizes: Sizes, teachers: list[int], learners: list[int]) -> None:
    from chaperon.records.models import MeetingRecord
    from chaperon.sessions.models import Session

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = []
    for n in range(sizes.past_sessions):
        start = now - timedelta(days=2 + n * 700 // sizes.past_sessions, hours=n % 7)
        rows.append(_session_row(organisation, n, start, teachers, status="booked"))
    for n in range(sizes.upcoming_sessions):
        start = now + timedelta(days=1 + n * 60 // sizes.upcoming_sessions, hours=n % 7)
        rows.append(
            _session_row(organisation, n, start, teachers, status="booked", flagged=n % 10 == 0)
        )
    copy_rows(Session, rows)
    ids = list(
        Session.objects.filter(organisation=organisation).order_by("id").values_list("pk", "start")
    )
    copy_rows(
        Session.learners.through,
        (
            {"session_id": pk, "learner_id": learners[(index * 3 + extra) % len(learners)]}
            for index, (pk, _) in enumerate(ids)
            for extra in range(1 + index % 3)
        ),
    )
    copy_rows(
        Session.staff.through,
        (
            {"session_id": pk, "user_id": teachers[(index + 1) % len(teachers)]}
            for index, (pk, _) in enumerate(ids)
            if index % 4 == 0
        ),
    )
    summary = "Talked through options after Year 11; agreed to look at two college open days."
    copy_rows(
        MeetingRecord,
        (
            {
                "organisation_id": organisation.pk,
                "session_id": pk,
                "written_by_id": teachers[index % len(teachers)],
                "method": "chaperon_room",
                "summary": summary,
                "digest": hashlib.sha256(summary.encode()).hexdigest(),
                "created_at": start + timedelta(hours=2),
                "updated_at": start + timedelta(hours=2),
            }
            for index, (pk, start) in enumerate(ids[: sizes.past_sessions])
        ),
    )


def _session_row(
    organisation: Any,
    n: int,
    start: datetime,
    teachers: list[int],
    *,
    status: str,
    flagged: bool = False,
) -> dict[str, Any]:
    return {
        "organisation_id": organisation.pk,
        "organiser_id": teachers[n % len(teachers)],
        "kind": ("one_to_one", "group", "group", "webinar")[n % 4],
        "title": f"Careers conversation {n}",
        "start": start,
        "duration_minutes": 40,
        "status": status,
        "flagged": flagged,
        "passcode": f"{n % 1_000_000:06d}",
        "created_at": start - timedelta(days=7),
        "updated_at": start - timedelta(days=7),
    }


def _concerns(organisation: Any, sizes: Sizes, staff: list[int], learners: list[int]) -> None:
    from chaperon.concerns.models import Concern

    now = datetime.now(UTC)
    rows = []
    for n in range(sizes.concerns):
        raised = now - timedelta(days=400 + n * 300 // sizes.concerns, hours=n % 9)
        status = "raised" if n % 50 == 0 else "triaged" if n % 10 == 0 else "closed"
        rows.append(
            {
                "organisation_id": organisation.pk,
                "reference": f"SG-{raised.year - 1}-{n + 1:04d}",
                "kind": "concern",
                "source": "staff",
                "raised_by_id": staff[n % len(staff)],
                "description": f"Bench concern {n}: worrying messages in an online game.",
                "learner_id": learners[0] if n % 40 == 0 else learners[n % len(learners)],
                "category": "contact",
                "types": ["grooming"],
                "status": status,
                "acknowledged_at": None if status == "raised" else raised + timedelta(hours=1),
                "closed_at": raised + timedelta(days=20) if status == "closed" else None,
                "last_alerted_at": raised,
                "created_at": raised,
                "updated_at": raised,
            }
        )
    copy_rows(Concern, rows)


def write_audit_history(organisation_id: int, actors: list[int], count: int) -> None:
    """``count`` audit events of ``organisation_id`` written straight to the table after its
    chain's head, with the real encoding, and the head moved: as if ``record()`` had been
    called ``count`` more times. The one place the benchmark writes audit events."""
    from django.db import connection, transaction

    from chaperon.audit.models import (
        CHAINED_COLUMNS,
        GENESIS_HASH,
        AuditChainHead,
        AuditEvent,
        chain_of,
        encode_row,
    )

    chain = chain_of(organisation_id)
    table = AuditEvent._meta.db_table
    columns = ", ".join([*CHAINED_COLUMNS, "hash"])
    started = datetime.now(UTC) - timedelta(days=700)
    with transaction.atomic(), connection.cursor() as cursor:
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        last_prev = prev_hash
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n in range(count):
                seq += 1
                actor = actors[n % len(actors)]
                row: list[Any] = [
                    chain,
                    seq,
                    started + timedelta(seconds=n * 100),
                    organisation_id,
                    actor,
                    f"staff{actor}@{DOMAIN}",
                    ("learner_viewed", "concern_viewed", "session_booked")[n % 3],
                    "people.learner",
                    str(n % 2_000),
                    "",
                    f'{{"n":{n}}}',
                    prev_hash,
                ]
                new_hash = hashlib.sha256(encode_row(row)).hexdigest()
                copy.write_row([*row, new_hash])
                last_prev, prev_hash = prev_hash, new_hash
        AuditChainHead.objects.update_or_create(
            chain=chain, defaults={"seq": seq, "hash": prev_hash, "prev_hash": last_prev}
        )


def build_large_school(sizes: Sizes) -> Any:
    from django.db import connection

    from chaperon.concerns.services import concern_raise
    from chaperon.core.actors import PUBLIC, SYSTEM
    from chaperon.people import services
    from chaperon.people.models import Learner, User

    organisation = services.organisation_create(
        actor=SYSTEM, name="Bench Large School", slug=LARGE_SLUG, working_days="1234567"
    )
    today = organisation.today()
    started = time.perf_counter()
    _import_people(organisation, sizes, today)
    print(f"  imported people in {time.perf_counter() - started:.1f} s", flush=True)
    staff = list(
        User.objects.filter(organisation=organisation).order_by("id").values_list("pk", flat=True)
    )
    teachers = list(
        User.objects.filter(organisation=organisation, staff__roles__role="teacher")
        .order_by("id")
        .values_list("pk", flat=True)
    )
    learners = list(
        Learner.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    started = time.perf_counter()
    _sessions(organisation, sizes, teachers, learners)
    _concerns(organisation, sizes, staff, learners)
    for n in range(3):
        concern_raise(
            actor=PUBLIC,
            organisation=organisation,
            description=f"Bench report {n}: an adult keeps messaging my child.",
            reporter_name="Bench Parent",
            reporter_relation="parent",
            category="contact",
            types=["grooming"],
        )
    write_audit_history(organisation.pk, staff, sizes.audit_events)
    print(f"  wrote history in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # what autovacuum would long have done
    return organisation


# Pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class School:
    label: str
    dsl: Any
    teacher: Any
    concern_id: int
    learner_id: int


def _school(label: str, organisation: Any) -> School:
    from django.db.models import Count

    from chaperon.concerns.models import Concern
    from chaperon.people.models import Learner, User

    def holder(role: str) -> Any:
        """The first active member of staff holding ``role``, one holding no other if any."""
        holders = (
            User.objects.filter(organisation=organisation, is_active=True)
            .annotate(role_count=Count("staff__roles"))
            .filter(staff__roles__role=role)
            .order_by("role_count", "id")
        )
        found = holders.first()
        if found is None:
            raise SystemExit(f"{label}: nobody holds the role {role}")
        return found

    concerns = Concern.objects.filter(organisation=organisation)
    concern = concerns.order_by("-created_at", "-id").first()
    if concern is None:
        raise SystemExit(f"{label}: no concern to open")
    # The chronology of the learner most concerns are about (the first learner when none is).
    most = (
        concerns.exclude(learner=None)
        .values("learner")
        .annotate(n=Count("pk"))
        .order_by("-n", "learner")
        .first()
    )
    first = Learner.objects.filter(organisation=organisation).order_by("id").first()
    learner = most["learner"] if most else first.pk if first else 0
    return School(label, holder("dsl"), holder("teacher"), concern.pk, learner)


def _pages(school: School) -> list[tuple[str, str, str]]:
    """(page, who, path) for every page measured."""
    return [
        ("DSL dashboard", "dsl", "/dashboard/"),
        ("teacher dashboard", "teacher", "/dashboard/"),
        ("concerns list", "dsl", "/concerns/"),
        ("concern detail", "dsl", f"/concerns/{school.concern_id}/"),
        ("chronology PDF", "dsl", f"/concerns/learners/{school.learner_id}/chronology.pdf"),
        ("learners list", "dsl", "/learners/"),
        ("staff list (DSL)", "dsl", "/staff/"),
        ("sessions list (DSL)", "dsl", "/sessions/"),
        ("consent group overview", "dsl", "/consent/groups/"),
        ("staff report form", "teacher", "/concerns/new/"),
        ("booking form", "teacher", "/sessions/book/"),
    ]


def signed_in_cookie(user: Any) -> str:
    """A session cookie for ``user`` with the second factor given, as after signing in."""
    from django.conf import settings
    from django.test import Client

    from chaperon.accounts.session import SECOND_FACTOR_KEY

    client = Client()
    client.force_login(user, backend="chaperon.accounts.backends.EmailBackend")
    session = client.session
    session[SECOND_FACTOR_KEY] = True
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def count_queries(cookie: str, path: str) -> int:
    """The database queries one request for ``path`` makes, in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookie)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} in-process")
    return len(queries)


class Browser:
    """One client on one kept-alive connection."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Cookie": cookie} if cookie else {}

    def get(self, path: str) -> float:
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        return elapsed

    def close(self) -> None:
        self.connection.close()


def measure_page(port: int, cookie: str, path: str, requests: int) -> tuple[float, float]:
    browser = Browser(port, cookie)
    try:
        for _ in range(WARM_UP):
            browser.get(path)
        times = [browser.get(path) for _ in range(requests)]
    finally:
        browser.close()
    return statistics.median(times), percentile(times, 0.95) or 0.0


def throughput(port: int, cookie: str, path: str, seconds: float) -> float:
    """Requests per second ``CLIENTS`` clients get through together, each on its own
    connection, one request after another, for ``seconds``."""
    done = [0] * CLIENTS
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        browser = Browser(port, cookie)
        try:
            browser.get(path)  # warm-up, not counted
            while time.monotonic() < stop_at:
                browser.get(path)
                done[index] += 1
        finally:
            browser.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


class ConnectionWatch:
    """Samples how many connections the benchmark's database has open, every 50 ms."""

    def __init__(self) -> None:
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "ConnectionWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as watcher:
            while not self._stop.is_set():
                row = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
                self.most = max(self.most, int(row[0]) if row else 0)
                time.sleep(0.05)


# The run ----------------------------------------------------------------------------------------


def _environment(var_dir: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.dev",
        "CHAPERON_VAR_DIR": var_dir,
        "SECRET_KEY": SECRET,
        "LOG_LEVEL": "WARNING",
        "OUTBOX_PAGE": "0",
    }


def _set_up(var_dir: str, sizes: Sizes) -> tuple[list[School], Any]:
    os.environ.update(_environment(var_dir))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from chaperon.demo.loader import load_demo

    started = time.perf_counter()
    demo, _ = load_demo()
    print(f"demo school loaded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    large = build_large_school(sizes)
    print(f"large school built in {time.perf_counter() - started:.1f} s", flush=True)
    return [_school("demo", demo), _school("large", large)], large


def _verify_audit() -> str:
    from chaperon.audit.verify import verify_chain

    started = time.perf_counter()
    result = verify_chain()
    if not result.ok:
        raise SystemExit(f"verify found the benchmark's chain broken: {result.problem}")
    return f"{result.events:,} audit events verified in {time.perf_counter() - started:.1f} s"


def _print_table(results: dict[str, dict[str, dict[str, float]]]) -> None:
    print(f"{'page':<26}{'school':<8}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for page, by_school in results.items():
        for label, figures in by_school.items():
            print(
                f"{page:<26}{label:<8}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}"
                f"{figures['queries']:>9.0f}"
            )


def _pool_size(database: dict[str, Any]) -> int | None:
    """``DATABASE_POOL_SIZE``: the most connections each process's pool holds (None without
    a pool)."""
    pool = database.get("OPTIONS", {}).get("pool")
    return int(pool["max_size"]) if isinstance(pool, dict) else None


def _wait_until_healthy(port: int) -> None:
    """Until ``/healthz`` says 200: the task worker and the scheduler are up."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.5)
    raise SystemExit("the server never became healthy")


def run(sizes: Sizes, quick: bool) -> dict[str, Any]:
    with (
        bench_database("chaperon_scale") as where,
        tempfile.TemporaryDirectory(prefix="chaperon-bench-scale-") as var_dir,
    ):
        if not os.environ["DATABASE_URL"].startswith("postgres"):
            raise SystemExit("bench/scale.py measures PostgreSQL only: set DATABASE_URL")
        print(f"database: {where}", flush=True)
        schools, large = _set_up(var_dir, sizes)
        from django.conf import settings

        port = free_port()
        log = Path(var_dir) / "server.log"
        results: dict[str, dict[str, dict[str, float]]] = {}
        with ConnectionWatch() as watch, chaperon_serve(port, log, env=_environment(var_dir)):
            _wait_until_healthy(port)
            for school in schools:
                cookies = {
                    "dsl": signed_in_cookie(school.dsl),
                    "teacher": signed_in_cookie(school.teacher),
                }
                for page, who, path in _pages(school):
                    p50, p95 = measure_page(port, cookies[who], path, sizes.requests)
                    queries = count_queries(cookies[who], path)
                    results.setdefault(page, {})[school.label] = {
                        "p50_ms": round(p50, 1),
                        "p95_ms": round(p95, 1),
                        "queries": queries,
                    }
            large_school = schools[-1]
            teacher = signed_in_cookie(large_school.teacher)
            rates = {
                "healthz": throughput(port, "", "/healthz", sizes.throughput_seconds),
                "signed-in floor": throughput(
                    port, teacher, SIGNED_IN_FLOOR, sizes.throughput_seconds
                ),
                "teacher": throughput(
                    port,
                    teacher,
                    "/dashboard/",
                    sizes.throughput_seconds,
                ),
                "dsl": throughput(
                    port,
                    signed_in_cookie(large_school.dsl),
                    "/dashboard/",
                    sizes.throughput_seconds,
                ),
            }
        _print_table(results)
        for name, rate in rates.items():
            print(f"throughput, {CLIENTS} clients, {name}: {rate:.1f} requests/s")
        print(_verify_audit())
        del large
        worst_page, worst_school, worst = max(
            (
                (page, label, figures["p95_ms"])
                for page, by_school in results.items()
                for label, figures in by_school.items()
            ),
            key=lambda item: item[2],
        )
        over = sum(
            1
            for by_school in results.values()
            for figures in by_school.values()
            if figures["p95_ms"] > SLOW_MS
        )
        return {
            "bench": "scale",
            "worst_page_p95_ms": worst,
            "worst_page": f"{worst_page} ({worst_school})",
            "pages_over_300ms": over,
            "teacher_dashboard_ratio": round(rates["teacher"] / rates["healthz"], 3),
            "dsl_dashboard_ratio": round(rates["dsl"] / rates["healthz"], 3),
            "signed_in_floor_ratio": round(rates["signed-in floor"] / rates["healthz"], 3),
            "open_connections_max": watch.most,
            "pool_size": _pool_size(settings.DATABASES["default"]),
            "healthz_per_s": round(rates["healthz"], 1),
            "clients": CLIENTS,
            "quick": quick,
            "pages": results,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a school a tenth of the size")
    options = parser.parse_args()
    summary = run(QUICK if options.quick else FULL, options.quick)
    pages = summary.pop("pages")
    print(json.dumps({"pages": pages}))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
