"""Riding out a database that is locked or gone for a while, instead of stopping.

``RECOVERABLE`` are the errors of a database that does not answer now but may soon: SQLite's
"database is locked" after its busy timeout, a PostgreSQL connection cut or refused. Background
processes catch them, drop the connection (the next use reconnects) and try again after a wait
that doubles up to ``Backoff.most`` seconds.
"""

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

RECOVERABLE = (OperationalError, InterfaceError)


class Backoff:
    """Waits of 1, 2, 4 ... seconds, at most ``most``; ``reset`` after a success."""

    def __init__(self, *, first: float = 1.0, most: float = 10.0) -> None:
        self.first = first
        self.most = most
        self.failures = 0

    def next_wait(self) -> float:
        self.failures += 1
        return float(min(self.most, self.first * 2 ** (self.failures - 1)))

    def reset(self) -> bool:
        """Forget the failures; True if there were any (the trouble just ended)."""
        had = self.failures > 0
        self.failures = 0
        return had


def discard_connections() -> None:
    """Close this thread's database connections after an error, so the next use reconnects
    (closing a connection that is already broken may fail too: that is no matter)."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:
            logger.debug("closing a broken database connection failed", exc_info=True)


def until_the_database_answers[T](action: Callable[[], T], *, what: str) -> T:
    """Run ``action`` (one short write, safe to repeat) until the database takes it: for
    recording an outcome that already happened outside the database (an email the mail server
    accepted), which must not be lost to a passing outage."""
    backoff = Backoff()
    while True:
        try:
            return action()
        except RECOVERABLE as error:
            wait = backoff.next_wait()
            if backoff.failures == 1:
                logger.warning("%s: the database did not answer (%s); trying again", what, error)
            discard_connections()
            time.sleep(wait)
