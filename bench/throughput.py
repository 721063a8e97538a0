"""Requests per second of ``chaperon serve`` as it runs by default, beside a bare Django view.

``chaperon serve`` (the router on one port, gunicorn's sync workers, uvicorn, the task worker
and the scheduler) serves the demo school on a throwaway database (``chaperon_throughput_bench``
on the PostgreSQL server named by ``DATABASE_URL``, or a temporary SQLite file). Debian's ``wrk``
(8 connections, 2 threads, a bounded time each) asks it for:

* ``/healthz``;
* ``/report/larkspur-demo/``, the public report page;
* the teacher's dashboard (``/dashboard/``), signed in;
* ``POST /api/policy/check`` with a 1:1 plan, with the teacher's API token;

and, in the same run, a bare Django view that runs one query (``SELECT 1``) on the same
database, served by one gunicorn sync worker (``bench/bare_django.py``), measured before and
after Chaperon's figures (their mean is used), so that whatever else the machine is doing
weighs on both. Each figure follows a second of warm-up; ``--quick`` measures each for 3 s
(under a minute in all), otherwise 15 s.

The last line printed is one JSON object:
``{"bench": "throughput", "healthz_rps": A, "bare_django_rps": B, "healthz_vs_bare": A/B,
"report_rps": C, "teacher_dashboard_rps": D, "policy_check_rps": E}``. Targets: /healthz at
least 0.8 of the bare view, /report/ at least 0.3.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from database import bench_database
from processes import ROOT, chaperon_command, chaperon_serve, free_port, stop, wait_for_port

CONNECTIONS = 8
WARM_UP = 1  # seconds of requests before each figure
THREADS = 2

SET_UP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from chaperon.accounts.services import api_token_create
from chaperon.accounts.session import SECOND_FACTOR_KEY
from chaperon.people.models import User
from tests.policy.plans import one_to_one

teacher = User.objects.get(email="teacher1@larkspur.example")
store = SessionStore()
store[SESSION_KEY] = str(teacher.pk)
store[BACKEND_SESSION_KEY] = "chaperon.accounts.backends.EmailBackend"
store[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
store[SECOND_FACTOR_KEY] = True
store.create()
_token, secret = api_token_create(actor=teacher, name="throughput bench")
print(json.dumps({"cookie": store.session_key, "token": secret, "plan": one_to_one()}))
"""

POST_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
"""


def wrk(
    url: str, seconds: int, *, headers: dict[str, str] | None = None, script: str = ""
) -> float:
    """Requests per second that answered 2xx or 3xx."""
    # A slow answer is still an answer: counted, not dropped after wrk's 2 s.
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        output = subprocess.run(  # noqa: S603 (Debian's wrk)
            [*command, url], capture_output=True, text=True, check=True
        ).stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    duration = re.search(r"requests in ([\d.]+)(m?s)", output)
    assert duration is not None, output
    elapsed = float(duration.group(1)) / (1000 if duration.group(2) == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = int(bad.group(1)) if bad else 0
    if failed or not total:
        print(f"  {url}: {failed} of {total} answers were not 2xx or 3xx")
        print(output)
    return round((total - failed) / elapsed, 1)


def answered(url: str) -> None:
    """Wait until ``url`` gives any HTTP answer (every worker may still be starting)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _bare_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [
        *(sys.executable, "-m", "gunicorn", "bare_django:application"),
        *("--chdir", str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}"),
        *("--workers", "1", "--worker-class", "sync"),
    ]
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (our own interpreter)
            command, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def _measure_bare(env: dict[str, str], seconds: int, log: Path) -> float:
    port = free_port()
    process = _bare_server(port, env, log)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_port(port, process, log)
        answered(url)
        wrk(url, WARM_UP)
        return wrk(url, seconds)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per figure")
    arguments = parser.parse_args()
    seconds = 3 if arguments.quick else 15
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make wrk` installs Debian's")
    with (
        tempfile.TemporaryDirectory(prefix="chaperon-throughput-") as folder,
        bench_database("chaperon_throughput_bench") as where,
    ):
        print(f"database: {where}")
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")} | {
            "CHAPERON_VAR_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "chaperon.settings.dev",
        }
        subprocess.run(  # noqa: S603
            chaperon_command("migrate", "--verbosity", "0"), cwd=ROOT, env=env, check=True
        )
        subprocess.run(  # noqa: S603
            chaperon_command("load_demo"), cwd=ROOT, env=env, check=True, capture_output=True
        )
        made = subprocess.run(  # noqa: S603
            chaperon_command("shell", "-c", SET_UP),
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        given: dict[str, Any] = json.loads(made.stdout.strip().splitlines()[-1])
        bare_before = _measure_bare(env, seconds, Path(folder) / "bare.log")
        print(f"bare Django view, one query, one sync worker: {bare_before} requests/s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with chaperon_serve(port, Path(folder) / "serve.log", env=env):
            print(
                "chaperon serve: "
                + ", ".join(
                    line.strip()
                    for line in (Path(folder) / "serve.log").read_text().splitlines()
                    if "Started the HTTP server" in line or "Started the WebSocket" in line
                )
            )
            answered(f"{base}/healthz")
            cookie = {"Cookie": f"sessionid={given['cookie']}"}
            check = POST_SCRIPT.format(
                body=json.dumps(json.dumps({"plan": given["plan"]})), token=given["token"]
            )
            asks: dict[str, tuple[str, dict[str, str], str]] = {
                "healthz_rps": (f"{base}/healthz", {}, ""),
                "report_rps": (f"{base}/report/larkspur-demo/", {}, ""),
                "teacher_dashboard_rps": (f"{base}/dashboard/", cookie, ""),
                "policy_check_rps": (f"{base}/api/policy/check", {}, check),
            }
            figures = {}
            for name, (url, headers, script) in asks.items():
                wrk(url, WARM_UP, headers=headers, script=script)  # every worker, once
                figures[name] = wrk(url, seconds, headers=headers, script=script)
            for name, value in figures.items():
                print(f"{name}: {value} requests/s")
        bare_after = _measure_bare(env, seconds, Path(folder) / "bare.log")
        print(f"bare Django view again: {bare_after} requests/s")
        bare = round((bare_before + bare_after) / 2, 1)
        result = {
            "bench": "throughput",
            "healthz_rps": figures["healthz_rps"],
            "bare_django_rps": bare,
            "healthz_vs_bare": round(figures["healthz_rps"] / bare, 2),
            "report_rps": figures["report_rps"],
            "teacher_dashboard_rps": figures["teacher_dashboard_rps"],
            "policy_check_rps": figures["policy_check_rps"],
        }
        print(f"report_vs_bare: {figures['report_rps'] / bare:.2f}")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
