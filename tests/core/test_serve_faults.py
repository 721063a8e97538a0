"""``chaperon serve`` under faults (INC-2, LOG-1): the database locked or cut while it runs, its
task worker killed. Each test runs the real command on a data directory (and, on PostgreSQL, a
database) of its own, with email going to a real SMTP server on loopback; nobody touches the
server while it recovers."""

import asyncio
import logging
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.mail_support import Mailbox
from tests.serve_support import (
    CHAPERON,
    DEMO_DSL,
    ROOT,
    Server,
    free_port,
    own_postgres_database,
    smtp_environment,
    wait_until,
)

pytestmark = [pytest.mark.clause("INC-2"), pytest.mark.clause("LOG-1")]

# Short beats and leases, so that the tests see in seconds what takes a minute by default.
FAST = {
    "HEARTBEAT_SECONDS": "1",
    "SCHEDULER_INTERVAL_SECONDS": "1",
    "TASK_LEASE_SECONDS": "4",
    "HEALTH_HEARTBEAT_MAX_AGE_SECONDS": "4",
    "SERVE_RESTART_MAX_SECONDS": "2",
    "CONCERN_REPORTS_PER_HOUR": "1000",
}
WORKER_TROUBLE = "The database does not answer"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP server's chatter
SCHEDULER_TROUBLE = "the scheduler tries again"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def _alert_for(mailbox: Mailbox, reference: str) -> bool:
    return any(reference in str(message["Subject"]) for message in mailbox.to(DEMO_DSL))


def _started(server: Server) -> None:
    server.wait_for("Chaperon is running on")
    server.wait_for("Starting worker")
    server.wait_for("Scheduler started")


def test_alerts_flow_again_after_the_sqlite_database_was_locked(
    tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    inbox, smtp_port = mailbox
    server = Server(tmp_path, free_port(), env={**FAST, **smtp_environment(smtp_port)})
    try:
        _started(server)
        first = server.report_concern("Before the lock: someone keeps messaging my child.")
        wait_until(lambda: _alert_for(inbox, first), "the first alert")

        # Another program holds the write lock longer than anyone waits for it.
        holder = sqlite3.connect(tmp_path / "chaperon.sqlite3", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            server.wait_for(f"{WORKER_TROUBLE} (OperationalError: database is locked)")
            server.wait_for(SCHEDULER_TROUBLE)
        finally:
            holder.execute("ROLLBACK")
            holder.close()

        second = server.report_concern("After the lock: an adult asked my child to meet.")
        wait_until(lambda: _alert_for(inbox, second), "the alert raised after the lock")
        # The worker and the scheduler rode it out themselves: neither had to be restarted.
        assert "starting it again" not in server.output
        wait_until(lambda: server.health()[0] == 200, "/healthz to say 200 again")
    finally:
        assert server.stop() == 0


@pytest.fixture
def serve_database() -> Iterator[tuple[str, psycopg.Connection[Any]]]:
    with own_postgres_database("_serve") as (url, admin):
        yield url, admin


@pytest.mark.postgres
def test_alerts_flow_again_after_the_postgres_connections_were_cut(
    tmp_path: Path,
    mailbox: tuple[Mailbox, int],
    serve_database: tuple[str, psycopg.Connection[Any]],
) -> None:
    url, admin = serve_database
    name = urlsplit(url).path.lstrip("/")
    inbox, smtp_port = mailbox
    env = {**FAST, **smtp_environment(smtp_port), "DATABASE_URL": url}
    server = Server(tmp_path, free_port(), env=env)
    try:
        _started(server)
        first = server.report_concern("Before the cut: someone keeps messaging my child.")
        wait_until(lambda: _alert_for(inbox, first), "the first alert")

        # Every connection cut, and no new one let in until both have noticed.
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        try:
            server.wait_for(WORKER_TROUBLE)
            server.wait_for(SCHEDULER_TROUBLE)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        second = wait_until(
            lambda: _report_when_the_page_answers(server), "the report page to answer again"
        )
        wait_until(lambda: _alert_for(inbox, second), "the alert raised after the cut")
        assert "starting it again" not in server.output
        wait_until(lambda: server.health()[0] == 200, "/healthz to say 200 again")
    finally:
        assert server.stop() == 0


def _report_when_the_page_answers(server: Server) -> str | None:
    try:
        return server.report_concern("After the cut: an adult asked my child to meet.")
    except OSError:  # the web process's own connection is re-made on its next request
        return None


def test_healthz_says_503_while_the_worker_is_down(
    tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    _inbox, smtp_port = mailbox
    env = {**FAST, **smtp_environment(smtp_port), "SERVE_RESTART": "false"}
    server = Server(tmp_path, free_port(), env=env)
    try:
        _started(server)
        _status, body = wait_until(lambda: _healthy(server), "/healthz to say 200")
        assert body["worker"]["last_heartbeat_s"] is not None  # type: ignore[index]
        assert body["scheduler"]["last_heartbeat_s"] is not None  # type: ignore[index]

        pid = server.kill_child("task worker")
        _status, body = wait_until(lambda: _unhealthy(server), "/healthz to say 503")
        assert any("worker" in problem for problem in body["problems"]), body  # type: ignore[attr-defined]
        server.wait_for(f"The task worker (pid {pid}) was killed by signal SIGKILL")
        assert "it is not started again (SERVE_RESTART is off)" in server.output

        # Without a proxy named in TRUSTED_PROXIES, a forwarded address is not believed.
        server.get("/accounts/sign-in/", headers={"X-Forwarded-For": "203.0.113.77"})
        server.wait_for('"GET /accounts/sign-in/ HTTP/1.1" 200')
        assert "203.0.113.77" not in server.output
    finally:
        assert server.stop() == 0


def _healthy(server: Server) -> tuple[int, dict[str, object]] | None:
    status, body = server.health()
    return (status, body) if status == 200 else None


def _unhealthy(server: Server) -> tuple[int, dict[str, object]] | None:
    status, body = server.health()
    return (status, body) if status == 503 else None


class HeldMailbox(Mailbox):
    """Holds the envelope of the ``hold_at``-th message until ``release`` is set: its sender
    waits for the answer to RCPT, before anything of the message itself has gone."""

    def __init__(self, hold_at: int) -> None:
        super().__init__()
        self.hold_at = hold_at
        self.envelopes = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        self.envelopes += 1
        if self.envelopes == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return await super().handle_RCPT(server, session, envelope, address, options)


QUEUE_BURST = """
from django.db import transaction
from chaperon.core.email_queue import queue_email
with transaction.atomic():
    for number in range({count}):
        queue_email(to="burst@home.example", subject=f"Burst {{number:02d}}",
                    text="One of a burst.", purpose="test_burst")
"""


def test_a_worker_killed_mid_burst_leaves_every_email_delivered_exactly_once(
    tmp_path: Path,
) -> None:
    count = 12
    inbox = HeldMailbox(hold_at=4)
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {**FAST, **smtp_environment(smtp_port), "TRUSTED_PROXIES": "127.0.0.1"}
    server = Server(tmp_path, free_port(), demo=False, env=env)
    try:
        _started(server)
        shell_env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("DJANGO_") and key != "DATABASE_URL"
        } | {"CHAPERON_VAR_DIR": str(tmp_path), **env}
        subprocess.run(  # noqa: S603
            [str(CHAPERON), "shell", "-c", QUEUE_BURST.format(count=count)],
            cwd=ROOT,
            env=shell_env,
            check=True,
        )
        wait_until(inbox.holding.is_set, "the worker to reach the fourth email")
        killed = server.kill_child("task worker")
        inbox.release.set()

        server.wait_for(f"The task worker (pid {killed}) was killed by signal SIGKILL")
        server.wait_for("Started the task worker", count=2)
        wait_until(lambda: _all_sent(tmp_path, count), "every email to be recorded as sent")
        subjects = sorted(str(message["Subject"]) for message in inbox.messages)
        assert subjects == [f"Burst {number:02d}" for number in range(count)]

        # A proxy named in TRUSTED_PROXIES is believed.
        server.get("/healthz", headers={"X-Forwarded-For": "203.0.113.78"})
        server.wait_for("203.0.113.78")
    finally:
        assert server.stop() == 0
        controller.stop()


def _all_sent(var_dir: Path, count: int) -> bool:
    with sqlite3.connect(var_dir / "chaperon.sqlite3") as database:
        statuses = database.execute(
            "SELECT status, COUNT(*) FROM core_emaildelivery GROUP BY status"
        ).fetchall()
        unfinished = database.execute(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        ).fetchone()[0]
    return dict(statuses) == {"sent": count} and unfinished == 0
