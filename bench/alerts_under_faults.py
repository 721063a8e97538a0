"""Alerts under faults: do concern alerts still reach the DSL when the database goes away?

    python bench/alerts_under_faults.py [--quick]

Runs ``chaperon serve`` itself (the web server with its supervised task worker and scheduler)
on a throwaway PostgreSQL database (``chaperon_alerts_bench`` on the server named by
``DATABASE_URL``, or on 127.0.0.1:5432), with email going to an SMTP server this script runs on
loopback (aiosmtpd). Public reports are POSTed to the report page ``/report/<slug>/`` as the
public sends them, spread evenly over the run, while the database is cut three times: every
connection to it ended (``pg_terminate_backend``) and new ones refused (``ALTER DATABASE ...
ALLOW_CONNECTIONS false``) for the length of the cut, then let in again.

A report the page keeps while the database is away (its emergency page, 503, with a receipt
code: the report waits, encrypted, in the spool and is raised when the database returns) counts
as answered; its concern is found afterwards by its receipt. A report that gets any other error
page or no answer is counted and sent again every 2 s until the page answers, as a person
would; one never answered is lost. For each answered report, the DSL's alert is awaited at the
SMTP server: one that never comes is lost.
An alert's delay runs from the later of the report's answer and the end of the last cut that
began before the alert came (so an alert held up by a cut is timed from the database's
return). Target: nothing lost, every alert within 60 s of the database returning.

Full run: 100 reports, three cuts of 30 s (about four minutes). ``--quick``: 20 reports,
three cuts of 3 s (under a minute on a quiet machine, most of it the first migration of the
throwaway database). The last line printed is one JSON object.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from database import bench_database
from processes import chaperon_command, chaperon_serve, free_port, percentile

ROOT = Path(__file__).resolve().parents[1]
SLUG = "bench-faults"
DSL = "dsl@bench-faults.example"
REFERENCE = re.compile(rb"SG-\d{4}-\d{4}")
RECEIPT = re.compile(rb"receipt code is <strong[^>]*>([0-9A-F]{4}-[0-9A-F]{4})<")
RESEND_EVERY = 2.0


@dataclass(frozen=True)
class Plan:
    reports: int
    cut_seconds: float
    first_cut_at: float
    gap_seconds: float  # between one cut's end and the next one's start
    tail_seconds: float  # reports go on this long after the last cut

    @property
    def cuts(self) -> list[tuple[float, float]]:
        starts = [self.first_cut_at + n * (self.cut_seconds + self.gap_seconds) for n in range(3)]
        return [(start, start + self.cut_seconds) for start in starts]

    @property
    def length(self) -> float:
        return self.cuts[-1][1] + self.tail_seconds


FULL = Plan(reports=100, cut_seconds=30, first_cut_at=10, gap_seconds=25, tail_seconds=15)
QUICK = Plan(reports=20, cut_seconds=3, first_cut_at=2, gap_seconds=4, tail_seconds=2)


class Inbox:
    """When the SMTP server accepted each DSL alert, by the concern's reference."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.perf_counter()
        if DSL in envelope.rcpt_tos:
            found = REFERENCE.search(envelope.original_content or b"")
            if found:
                with self.lock:
                    self.accepted.setdefault(found.group(0).decode(), at)
        return "250 Message accepted for delivery"


def _environment(var_dir: str, smtp_port: int) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.dev",
        "CHAPERON_VAR_DIR": var_dir,
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "CONCERN_REPORTS_PER_HOUR": "1000000",
        "LOG_LEVEL": "WARNING",
        "OUTBOX_PAGE": "0",
    }


SET_UP = """
from chaperon.core.actors import SYSTEM
from chaperon.people import services
organisation = services.organisation_create(actor=SYSTEM, name="Bench Faults School",
    slug="bench-faults", working_days="1234567")
services.staff_create(actor=SYSTEM, organisation=organisation, email="dsl@bench-faults.example",
    full_name="Bench DSL", roles=["dsl"], password=None)
"""


def _set_up(env: dict[str, str]) -> None:
    """The school and its DSL, once ``chaperon serve`` has migrated the database."""
    subprocess.run(  # noqa: S603 (our own command)
        chaperon_command("shell", "-c", SET_UP),
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


class Cutter:
    """Cuts the database: ends every connection and refuses new ones, then lets them in."""

    def __init__(self, database_url: str) -> None:
        import psycopg

        parts = urlsplit(database_url)
        self.name = parts.path.lstrip("/")
        admin_url = parts._replace(path="/postgres").geturl()
        self.admin = psycopg.connect(admin_url, autocommit=True)
        self.cuts: list[tuple[float, float]] = []

    def cut(self, seconds: float) -> None:
        started = time.perf_counter()
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.name],
        )
        time.sleep(max(0.0, started + seconds - time.perf_counter()))
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
        self.cuts.append((started, time.perf_counter()))

    def close(self) -> None:
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
        self.admin.close()


@dataclass
class Report:
    number: int
    tries: int = 0
    refused: int = 0
    reference: str = ""
    receipt: str = ""  # kept in the spool while the database was away
    answered_at: float = 0.0
    errors: list[str] = field(default_factory=list)


class Reporter:
    """Sends public reports as a browser would: the page first (for its CSRF token), then the
    form, sent again every ``RESEND_EVERY`` seconds until the page answers with a reference."""

    def __init__(self, base: str) -> None:
        self.url = f"{base}/report/{SLUG}/"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = self.opener.open(self.url, timeout=30).read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError("no CSRF token on the report page")
        self.token = found.group(1)

    def send(self, report: Report, give_up_at: float) -> Report:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "reporter_name": "Bench Parent",
                "reporter_relation": "parent",
                "kind": "concern",
                "category": "contact",
                "types": "grooming",
                "description": f"Bench report {report.number}: an adult keeps messaging my child.",
            }
        ).encode()
        while time.perf_counter() < give_up_at:
            report.tries += 1
            request = urllib.request.Request(self.url, data=body, headers={"Referer": self.url})  # noqa: S310
            try:
                page = self.opener.open(request, timeout=30).read()
            except urllib.error.HTTPError as error:
                kept = RECEIPT.search(error.read()) if error.code == 503 else None
                if kept is not None:  # the emergency page: the report waits in the spool
                    report.receipt = kept.group(1).decode()
                    report.answered_at = time.perf_counter()
                    return report
                report.refused += 1
                report.errors.append(str(error.code))
                time.sleep(RESEND_EVERY)
                continue
            except (urllib.error.URLError, OSError) as error:  # no answer at all
                report.refused += 1
                report.errors.append(str(getattr(error, "code", error)))
                time.sleep(RESEND_EVERY)
                continue
            found = REFERENCE.search(page)
            if found is None:
                report.errors.append("no reference on the page")
                time.sleep(RESEND_EVERY)
                continue
            report.reference = found.group(0).decode()
            report.answered_at = time.perf_counter()
            return report
        return report


def _raised_from_spool(database_url: str) -> dict[str, str]:
    """Receipt code -> reference of each spooled report raised so far."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        rows = connection.execute(
            "SELECT s.receipt, c.reference FROM concerns_spooledreport s "
            "JOIN concerns_concern c ON c.id = s.concern_id"
        ).fetchall()
    return {f"{receipt[:4]}-{receipt[4:8]}".upper(): reference for receipt, reference in rows}


def _delay(report: Report, alert_at: float, cuts: list[tuple[float, float]]) -> float:
    since = report.answered_at
    for start, end in cuts:
        if start < alert_at and end > since:
            since = max(since, end)
    return max(0.0, alert_at - since)


def _run(plan: Plan, env: dict[str, str], inbox: Inbox, log: Path) -> dict[str, Any]:
    port = free_port()
    with chaperon_serve(port, log, env=env):
        _set_up(env)
        reporter = Reporter(f"http://127.0.0.1:{port}")
        cutter = Cutter(env["DATABASE_URL"])
        begun = time.perf_counter()
        reports = [Report(number) for number in range(plan.reports)]
        every = plan.length / plan.reports
        try:
            with ThreadPoolExecutor(max_workers=16) as pool:
                futures: list[Future[Any]] = []
                cuts = iter(plan.cuts)
                next_cut = next(cuts, None)
                for report in reports:
                    at = begun + report.number * every
                    while next_cut is not None and begun + next_cut[0] <= at:
                        wait = begun + next_cut[0] - time.perf_counter()
                        time.sleep(max(0.0, wait))
                        futures.append(pool.submit(cutter.cut, plan.cut_seconds))
                        next_cut = next(cuts, None)
                    time.sleep(max(0.0, at - time.perf_counter()))
                    futures.append(pool.submit(reporter.send, report, at + 180))
                for future in futures:
                    future.result()
        finally:
            cutter.close()
        last_return = max(end for _start, end in cutter.cuts)
        deadline = time.monotonic() + 120
        spooled = {report.receipt: report for report in reports if report.receipt}
        while time.monotonic() < deadline:
            for receipt, reference in _raised_from_spool(env["DATABASE_URL"]).items():
                if receipt in spooled:
                    spooled.pop(receipt).reference = reference
            answered = {report.reference: report for report in reports if report.reference}
            if not spooled and set(answered) <= set(inbox.accepted):
                break
            time.sleep(0.5)
    delays = [
        _delay(report, inbox.accepted[ref], cutter.cuts)
        for ref, report in answered.items()
        if ref in inbox.accepted
    ]
    server_log = log.read_text(errors="replace")
    return {
        "reports": plan.reports,
        "answered": len(answered),
        "never_answered": plan.reports - len(answered),
        "kept_in_spool": sum(1 for report in reports if report.receipt),
        "spooled_never_raised": len(spooled),
        "refused_then_sent_again": sum(1 for report in reports if report.refused),
        "refusals": sum(report.refused for report in reports),
        "alerts_delivered": len(set(answered) & set(inbox.accepted)),
        "alerts_missing": len(set(answered) - set(inbox.accepted)),
        "extra_alerts": len(set(inbox.accepted) - set(answered)),
        "max_alert_delay_s": round(max(delays), 1) if delays else None,
        "p50_alert_delay_s": round(percentile(delays, 0.5) or 0.0, 1),
        "p95_alert_delay_s": round(percentile(delays, 0.95) or 0.0, 1),
        "last_alert_after_last_return_s": round(max(inbox.accepted.values()) - last_return, 1)
        if inbox.accepted
        else None,
        "cuts_s": [round(end - start, 1) for start, end in cutter.cuts],
        "restarts": server_log.count("starting it again"),
        "database_returns_noticed": server_log.count("The database answers again"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 reports, cuts of 3 s")
    plan = QUICK if parser.parse_args().quick else FULL
    sys.path.insert(0, str(ROOT))
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with (
            bench_database("chaperon_alerts_bench") as where,
            tempfile.TemporaryDirectory(prefix="chaperon-bench-faults-") as var_dir,
        ):
            if not os.environ["DATABASE_URL"].startswith("postgres"):
                raise SystemExit("alerts_under_faults needs PostgreSQL (set DATABASE_URL)")
            env = _environment(var_dir, smtp_port)
            print(f"Database: {where}", flush=True)
            print(
                f"{plan.reports} reports over {plan.length:.0f} s; three cuts of "
                f"{plan.cut_seconds:.0f} s",
                flush=True,
            )
            result = _run(plan, env, inbox, Path(var_dir) / "serve.log")
    finally:
        controller.stop()
    lost = result["never_answered"] + result["alerts_missing"] + result["spooled_never_raised"]
    for key, value in result.items():
        print(f"{key}: {value}", flush=True)
    print(
        json.dumps(
            {
                "bench": "alerts_under_faults",
                "reports": result["reports"],
                "alerts_delivered": result["alerts_delivered"],
                "lost": lost,
                "max_alert_delay_s": result["max_alert_delay_s"],
            }
        )
    )


if __name__ == "__main__":
    main()
