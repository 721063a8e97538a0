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
def bench_database(name: str, *, template: str | None = None) -> Iterator[str]:
    """Point ``DATABASE_URL`` at a fresh throwaway database (on PostgreSQL, a copy of the
    database ``template`` when one is given); yield where it is."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("sqlite") and (url or _postgres_answers(LOCAL_POSTGRES)):
        server_url = url or LOCAL_POSTGRES
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        _postgres_admin(server_url, drop)
        copy = f' TEMPLATE "{template}"' if template else ""
        _postgres_admin(server_url, f'CREATE DATABASE "{name}"{copy}')
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


def server_url() -> str | None:
    """The PostgreSQL server's URL the benchmarks would use, or None (SQLite)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite") or not (url or _postgres_answers(LOCAL_POSTGRES)):
        return None
    return url or LOCAL_POSTGRES


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def database_comment(url: str, name: str) -> str | None:
    """The comment on the database ``name`` (None when it does not exist or has none)."""
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    return None if row is None else row[0]


def keep_as_template(url: str, source: str, template: str, comment: str) -> None:
    """Copy the database ``source`` (nobody connected to it) to ``template``, marked with
    ``comment``, replacing any earlier one."""
    _close_connections()
    if "django.db" in sys.modules:
        from django.db import connections

        for connection in connections.all():
            if hasattr(connection, "close_pool"):
                connection.close_pool()
    _postgres_admin(url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    _postgres_admin(url, f'CREATE DATABASE "{template}" TEMPLATE "{source}"')
    _postgres_admin(url, f"COMMENT ON DATABASE \"{template}\" IS '{comment}'")
