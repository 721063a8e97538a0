"""Restoring in a process of its own, onto a database and a vault folder of its own."""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection

from tests.serve_support import ROOT, own_postgres_database


@contextmanager
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite://{tmp_path / 'restored.sqlite3'}"
        return
    with own_postgres_database("_restored") as (url, _):
        yield url


def chaperon(
    *arguments: str, database_url: str, vault_dir: Path
) -> subprocess.CompletedProcess[str]:
    """``chaperon ARGUMENTS`` on the given database and vault, this checkout's code."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.test",
        "DATABASE_URL": database_url,
        "VAULT_DIR": str(vault_dir),
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def query(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://")
        if not Path(path).exists():
            return []
        found = sqlite3.connect(path)
        try:
            return found.execute(sql).fetchall()
        finally:
            found.close()
    with psycopg.connect(database_url) as server:
        return server.execute(sql.encode()).fetchall()


def tables(database_url: str) -> list[str]:
    if database_url.startswith("sqlite://"):
        return [row[0] for row in query(database_url, "SELECT name FROM sqlite_master")]
    return [
        row[0]
        for row in query(
            database_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
    ]
