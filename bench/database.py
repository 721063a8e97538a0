"""A throwaway database for a benchmark, on the PostgreSQL server named by ``DATABASE_URL``
(or on 127.0.0.1:5432 when it answers), else in a temporary SQLite file."""

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def _postgres_admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(server_url, "postgres"), autocommit=True) as admin:
        admin.execute(sql)


def _close_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def bench_database(name: str) -> Iterator[str]:
    """Point ``DATABASE_URL`` at a fresh throwaway database; yield where it is."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("sqlite") and (url or _postgres_answers(LOCAL_POSTGRES)):
        server_url = url or LOCAL_POSTGRES
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        _postgres_admin(server_url, drop)
        _postgres_admin(server_url, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = _with_database(server_url, name)
        try:
            host = urlsplit(server_url).hostname
            yield f"PostgreSQL on {host}, throwaway database {name}"
        finally:
            _close_connections()
            _postgres_admin(server_url, drop)
        return
    with tempfile.TemporaryDirectory(prefix="chaperon-bench-") as directory:
        path = Path(directory) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        try:
            yield f"SQLite (WAL), throwaway file {path}"
        finally:
            _close_connections()
