"""Fixtures for the audit tests: other processes reaching the test database, events written
as services write them, and tampering as a database owner could."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent, chain_hash
from chaperon.audit.services import record


def _url_of_test_database() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{credentials}{settings['HOST']}{port}/{quote(settings['NAME'], safe='')}"


@pytest.fixture
def process_env(transactional_db: None) -> dict[str, str]:
    """The environment for a process of our own that works on this test's database."""
    return {
        **os.environ,
        "DATABASE_URL": _url_of_test_database(),
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.test",
    }


@pytest.fixture
def console_script() -> str:
    """The installed ``chaperon`` command beside this interpreter."""
    return str(Path(sys.executable).with_name("chaperon"))


CHAIN = 7  # the organisation ``record_events`` writes for, and so its chain


def record_events(count: int, organisation_id: int = CHAIN) -> list[AuditEvent]:
    """``count`` ordinary events of one organisation, as services write them."""
    actions = [AuditAction.LEARNER_VIEWED, AuditAction.SIGN_IN, AuditAction.STAFF_UPDATED]
    return [
        record(
            action=actions[number % len(actions)],
            organisation_id=organisation_id,
            actor_label=f"staff{number}@harbour-view.example",
            reason="weekly review" if number % 2 else "",
            data={"number": number},
        )
        for number in range(count)
    ]


@contextmanager
def append_only_lifted() -> Iterator[None]:
    """Switch the append-only triggers off for a moment, as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
            try:
                yield
            finally:
                cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'audit_event' ORDER BY name"
        )
        triggers = cursor.fetchall()
        assert [name for name, _ in triggers] == [
            "audit_chain_append_at_end",
            "audit_chain_no_delete",
            "audit_chain_no_update",
        ]
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            for _, sql in triggers:
                cursor.execute(sql)


def tamper(*statements: str | tuple[str, list[Any]]) -> None:
    """Run raw SQL, each statement plain or as (sql, parameters), with the triggers off."""
    with append_only_lifted(), connection.cursor() as cursor:
        for statement in statements:
            sql, params = (statement, None) if isinstance(statement, str) else statement
            cursor.execute(sql, params)


def rewritten_from(seq: int, chain: int = CHAIN) -> list[tuple[dict[str, Any], str]]:
    """Every event of ``chain`` from ``seq`` on as someone rewriting the log would make it:
    its reason changed and every hash recomputed so that the chain still holds. (fields,
    hash) each."""
    rewritten = []
    prev_hash = AuditEvent.objects.get(chain=chain, seq=seq - 1).hash
    for event in AuditEvent.objects.filter(chain=chain, seq__gte=seq).order_by("seq"):
        fields = dict(event.chain_fields(), reason="nothing to report", prev_hash=prev_hash)
        prev_hash = chain_hash(**fields)
        rewritten.append((fields, prev_hash))
    return rewritten


def rewrite_from(seq: int, chain: int = CHAIN) -> None:
    """Rewrite ``chain`` from event ``seq`` on, chain head and all, with the triggers off:
    afterwards the chain is consistent and only an anchor outside the database shows it."""
    rewritten = rewritten_from(seq, chain)
    statements: list[str | tuple[str, list[Any]]] = [
        (
            "UPDATE audit_event SET reason = %s, prev_hash = %s, hash = %s "
            "WHERE chain = %s AND seq = %s",
            [fields["reason"], fields["prev_hash"], hash_, chain, fields["seq"]],
        )
        for fields, hash_ in rewritten
    ]
    last_fields, last_hash = rewritten[-1]
    statements.append(
        (
            "UPDATE audit_chain_head SET hash = %s, prev_hash = %s WHERE chain = %s",
            [last_hash, last_fields["prev_hash"], chain],
        )
    )
    tamper(*statements)
