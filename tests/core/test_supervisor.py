"""``chaperon serve``'s supervisor never lets a background process stop unnoticed (INC-2)."""

import logging
import sys

import pytest

from chaperon.core.supervisor import Supervisor
from tests.serve_support import wait_until

pytestmark = pytest.mark.clause("INC-2")

DIES = [sys.executable, "-c", "import sys; sys.exit(3)"]


def test_a_child_that_stops_is_logged_and_started_again(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="chaperon.serve")
    supervisor = Supervisor({"test child": DIES}, restart=True, max_wait=1)
    supervisor.start()
    try:
        wait_until(
            lambda: caplog.text.count("Started the test child") >= 3, "two restarts", seconds=60
        )
    finally:
        supervisor.stop()
    assert "The test child (pid " in caplog.text
    assert "exited with code 3" in caplog.text and "starting it again in 1 s" in caplog.text
    errors = [record for record in caplog.records if "exited with code 3" in record.message]
    assert all(record.levelno == logging.ERROR for record in errors)


def test_with_restarts_off_a_stopped_child_is_logged_and_left(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="chaperon.serve")
    supervisor = Supervisor({"test child": DIES}, restart=False, max_wait=1)
    supervisor.start()
    try:
        wait_until(lambda: "not started again" in caplog.text, "the supervisor to notice")
    finally:
        supervisor.stop()
    assert caplog.text.count("Started the test child") == 1
    assert "exited with code 3; it is not started again (SERVE_RESTART is off)" in caplog.text


def test_stopping_the_supervisor_stops_its_children() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    supervisor = Supervisor({"sleeper": sleeper}, restart=True, max_wait=1)
    supervisor.start()
    [child] = supervisor.children
    assert child.process is not None and child.process.poll() is None
    supervisor.stop()
    assert child.process.poll() is not None
