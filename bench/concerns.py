"""Concerns benchmark: from a parent pressing "Send my report" to the DSL's email being accepted.

    python bench/concerns.py [--quick]

Runs the product as in production: uvicorn serving ``chaperon.asgi:application`` and
``chaperon run_worker`` beside it, on a throwaway database (PostgreSQL ``chaperon_concerns`` on
127.0.0.1:5432 when it answers, else SQLite), with email going to an SMTP server this script
runs on loopback (aiosmtpd). Reports are POSTed to the public page ``/report/<slug>/`` over
HTTP, one every 100 ms; for each, the time from sending the POST to the SMTP server accepting
the DSL's alert is taken. Side by side: the worker polling its queue every second (its
default, the figure the target is set for: p95 under 5 s) and every 0.1 s.

200 reports per configuration (``--quick``: 40, well under a minute). The last line printed is
one JSON object.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from database import bench_database
from processes import asgi_server, free_port, percentile, stop

ROOT = Path(__file__).resolve().parents[1]
DSL = "dsl@bench-concerns.example"
REPORT_EVERY = 0.1
SUBJECT_REFERENCE = re.compile(rb"SG-\d{4}-\d{4}")


class Inbox:
    """Records when the SMTP server accepted each DSL alert, by the concern's reference."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.perf_counter()
        if DSL in envelope.rcpt_tos:
            found = SUBJECT_REFERENCE.search(envelope.original_content or b"")
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


def _chaperon(*args: str) -> list[str]:
    return [sys.executable, "-c", "from chaperon.cli import main; main()", *args]


def _set_up(env: dict[str, str]) -> str:
    """Migrate and make a fictional organisation with a DSL and a deputy; return its slug."""
    script = """
from chaperon.core.actors import SYSTEM
from chaperon.people import services
organisation = services.organisation_create(actor=SYSTEM, name="Bench Concerns School",
    slug="bench-concerns", working_days="1234567")
for email, role in (("dsl@bench-concerns.example", "dsl"),
                    ("deputy@bench-concerns.example", "deputy_dsl")):
    services.staff_create(actor=SYSTEM, organisation=organisation, email=email,
        full_name=role.upper(), roles=[role], password=None)
"""
    migrate = _chaperon("migrate", "--verbosity", "0")
    subprocess.run(migrate, env=env, check=True, cwd=ROOT)  # noqa: S603 (our own command)
    subprocess.run(  # noqa: S603
        _chaperon("shell", "-c", script),
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return "bench-concerns"


class Reporter:
    def __init__(self, base: str, slug: str) -> None:
        self.url = f"{base}/report/{slug}/"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = self.opener.open(self.url, timeout=10).read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError("no CSRF token on the report page")
        self.token = found.group(1)

    def send(self, number: int) -> tuple[str, float]:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "reporter_name": "Bench Parent",
                "reporter_relation": "parent",
                "kind": "concern",
                "category": "contact",
                "types": "grooming",
                "description": f"Bench report {number}: an adult keeps messaging my child.",
            }
        ).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Referer": self.url})  # noqa: S310
        started = time.perf_counter()
        page = self.opener.open(request, timeout=30).read()
        found = SUBJECT_REFERENCE.search(page)
        if found is None:
            raise RuntimeError("the report page gave no reference")
        return found.group(0).decode(), started


def _run(
    env: dict[str, str], slug: str, inbox: Inbox, *, count: int, interval: str
) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    worker = subprocess.Popen(  # noqa: S603
        _chaperon("run_worker", "--interval", interval, "--no-startup-delay", "--no-reload"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with asgi_server(port, Path(env["CHAPERON_VAR_DIR"]) / "server.log", env=env):
            reporter = Reporter(base, slug)
            sent: dict[str, float] = {}
            next_at = time.perf_counter()
            for number in range(count):
                next_at += REPORT_EVERY
                reference, started = reporter.send(number)
                sent[reference] = started
                time.sleep(max(0.0, next_at - time.perf_counter()))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not set(sent) <= set(inbox.accepted):
                time.sleep(0.05)
    finally:
        stop(worker)
    missing = set(sent) - set(inbox.accepted)
    latencies = [
        (inbox.accepted[ref] - at) * 1000 for ref, at in sent.items() if ref in inbox.accepted
    ]
    return {
        "worker_interval_s": float(interval),
        "reports": count,
        "missing": len(missing),
        "alert_ms_p50": round(statistics.median(latencies), 1),
        "alert_ms_p95": round(percentile(latencies, 0.95) or 0.0, 1),
        "alert_ms_max": round(max(latencies), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 reports each, not 200")
    count = 40 if parser.parse_args().quick else 200
    sys.path.insert(0, str(ROOT))
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with (
            bench_database("chaperon_concerns") as where,
            tempfile.TemporaryDirectory(prefix="chaperon-bench-concerns-") as var_dir,
        ):
            env = _environment(var_dir, smtp_port)
            print(f"Database: {where}", flush=True)
            slug = _set_up(env)
            runs = []
            for interval in ("1", "0.1"):
                result = _run(env, slug, inbox, count=count, interval=interval)
                print(
                    f"worker polling every {interval} s: {count} reports, "
                    f"p50 {result['alert_ms_p50']} ms, p95 {result['alert_ms_p95']} ms, "
                    f"max {result['alert_ms_max']} ms, missing {result['missing']}",
                    flush=True,
                )
                runs.append(result)
    finally:
        controller.stop()
    production = runs[0]
    print(
        json.dumps(
            {
                "bench": "concerns",
                "alert_ms_p50": production["alert_ms_p50"],
                "alert_ms_p95": production["alert_ms_p95"],
                "target_p95_ms": 5000,
                "reports": count,
                "database": where.split(",")[0],
                "runs": runs,
            }
        )
    )


if __name__ == "__main__":
    main()
