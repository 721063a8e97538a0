"""Audit log benchmark: appends through ``record()`` against plain inserts, and ``verify``.

    python bench/audit.py [--quick]

Runs on a throwaway database of its own: with ``DATABASE_URL=postgres://...`` (or, without
``DATABASE_URL``, when PostgreSQL answers on 127.0.0.1:5432) a database named
``chaperon_bench`` on that server, created and dropped here; with ``DATABASE_URL=sqlite:...``,
or when no PostgreSQL answers, a temporary SQLite file.

It measures, in one run:
  * appends per second through ``audit.record()``, each in its own transaction, against plain
    inserts of rows of the same shape into a table with the same columns and indexes (no
    chain, no lock), each in its own transaction; the two alternate in equal blocks, so that
    anything else happening on the machine weighs on both alike;
  * ``verify_chain()`` over 1,000,000 events in several chains (``CHAINS`` organisations and
    the system chain, written in turn as organisations at work would write them, straight to
    the table with correct hashes, since appending them one by one would take far longer), as
    seconds per million.

``--quick`` uses smaller counts (the verify time is scaled to a million) and stays under a
minute. Every loop is bounded in count and in time. The last line printed is one JSON object.
"""

import argparse
import json
import os
import platform
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from database import bench_database

BENCH_DATABASE = "chaperon_bench"
PLAIN_TABLE = "bench_plain_event"
BLOCK = 200  # writes per timed block; appends and plain inserts take turns by block
CHAINS = 8  # organisations whose chains verify walks, besides the system chain


@dataclass(frozen=True)
class Sizes:
    operations: int  # appends, and as many plain inserts
    seconds: float  # time budget for each of the two
    events: int  # chain length for verify


FULL = Sizes(operations=10_000, seconds=120.0, events=1_000_000)
QUICK = Sizes(operations=1_000, seconds=8.0, events=100_000)


# The database ---------------------------------------------------------------------------------


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _create_plain_table()


def _create_plain_table() -> None:
    """The audit event table's columns and indexes under its ordinary auto-increment key,
    without the chain's own columns (``chain``, ``seq``)."""
    from django.apps.registry import Apps
    from django.db import connection, models

    from chaperon.audit.models import AuditEvent

    attrs: dict[str, Any] = {"__module__": __name__}
    for field in AuditEvent._meta.local_fields:
        if field.name not in ("chain", "seq"):  # the chain's own columns
            attrs[field.name] = field.clone()
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "apps": Apps(),
            "app_label": "bench",
            "db_table": PLAIN_TABLE,
            "indexes": [models.Index(fields=["object_type", "object_id"], name="bench_obj_idx")],
        },
    )
    with connection.schema_editor() as editor:
        editor.create_model(type("PlainEvent", (models.Model,), attrs))


def _describe_server() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{version}; Python {platform.python_version()}; {os.cpu_count()} cores; "
        f"load average {load}"
    )


def _long_transactions_note() -> str:
    """Name a transaction left open elsewhere on the server: until it ends, PostgreSQL
    cannot prune the chain head's old row versions, and appends slow down."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, extract(epoch FROM now() - xact_start)::int FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND xact_start < now() - interval '10 seconds' "
            "AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL) "
            "ORDER BY xact_start LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return ""
    return f"note: a transaction in database {row[0]} has been open for {row[1]} s"


# Appends against plain inserts ----------------------------------------------------------------


def _writers() -> dict[str, Callable[[int], None]]:
    from django.db import connection, transaction
    from django.utils import timezone

    from chaperon.audit.actions import AuditAction
    from chaperon.audit.services import record

    columns = (
        "occurred_at, organisation_id, actor_id, actor_label, action, object_type, "
        "object_id, reason, data, prev_hash, hash"
    )
    insert = f"INSERT INTO {PLAIN_TABLE} ({columns}) VALUES ({', '.join(['%s'] * 11)})"

    def append(number: int) -> None:
        with transaction.atomic():
            record(
                action=AuditAction.LEARNER_VIEWED,
                organisation_id=1,
                actor_label="bench@harbour-view.example",
                data={"n": number},
            )

    def plain_insert(number: int) -> None:
        row = [
            connection.ops.adapt_datetimefield_value(timezone.now()),
            1,
            None,
            "bench@harbour-view.example",
            AuditAction.LEARNER_VIEWED.value,
            "",
            "",
            "",
            json.dumps({"n": number}, sort_keys=True, separators=(",", ":")),
            secrets.token_hex(32),
            secrets.token_hex(32),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, row)

    return {"append": append, "plain": plain_insert}


def compare_writes(sizes: Sizes) -> tuple[int, float, float]:
    """Alternate equal blocks of appends and plain inserts until the count or the time
    budget runs out. Returns (writes of each kind, seconds appending, seconds inserting)."""
    writers = _writers()
    spent = dict.fromkeys(writers, 0.0)
    done = 0
    while done < sizes.operations and max(spent.values()) < sizes.seconds:
        block = range(done, min(done + BLOCK, sizes.operations))
        for name, write in writers.items():
            started = time.perf_counter()
            for number in block:
                write(number)
            spent[name] += time.perf_counter() - started
        done = block.stop
    return done, spent["append"], spent["plain"]


# Verify ---------------------------------------------------------------------------------------


def _chain_rows(heads: dict[int, tuple[int, str]], count: int) -> Iterator[list[Any]]:
    """``count`` correctly chained events, one chain after another in turn, each chained on
    from its head in ``heads`` (chain: (seq, hash)), which is moved on with them."""
    from chaperon.audit.models import SYSTEM_CHAIN, row_hash

    started = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    chains = sorted(heads)
    for number in range(count):
        chain = chains[number % len(chains)]
        seq, prev_hash = heads[chain]
        seq += 1
        row: list[Any] = [
            chain,
            seq,
            started + timedelta(milliseconds=number),
            None if chain == SYSTEM_CHAIN else chain,
            1000 + number % 300,
            f"staff{number % 300}@harbour-view.example",
            "learner_viewed",
            "people.learner",
            str(number % 5000),
            "weekly review" if number % 10 == 0 else "",
            f'{{"n":{number}}}',
            prev_hash,
        ]
        heads[chain] = (seq, row_hash(row))
        row.append(heads[chain][1])
        yield row


def extend_chains(count: int) -> int:
    """Write ``count`` more events straight to the table, spread over ``CHAINS``
    organisations and the system chain, each chained on from its head, and move the heads:
    as if ``record()`` had been called ``count`` more times. Returns the number of chains."""
    from django.db import connection, transaction

    from chaperon.audit.models import CHAINED_COLUMNS, SYSTEM_CHAIN, AuditChainHead, AuditEvent

    heads = dict.fromkeys([SYSTEM_CHAIN, *range(1, CHAINS + 1)], (0, "0" * 64))
    heads.update(
        (chain, (seq, hash_))
        for chain, seq, hash_ in AuditChainHead.objects.values_list("chain", "seq", "hash")
    )
    before = dict(heads)
    table = AuditEvent._meta.db_table
    columns = ", ".join([*CHAINED_COLUMNS, "hash"])
    with transaction.atomic(), connection.cursor() as cursor:
        rows = _chain_rows(heads, count)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['?'] * 13)})"
            for row in rows:
                stored = [*row[:2], connection.ops.adapt_datetimefield_value(row[2]), *row[3:]]
                cursor.cursor.execute(insert, stored)
        for chain, (seq, hash_) in heads.items():
            if (seq, hash_) != before[chain]:
                AuditChainHead.objects.update_or_create(
                    chain=chain, defaults={"seq": seq, "hash": hash_}
                )
    if connection.vendor == "postgresql":
        # What autovacuum would long have done to a log this size: without it, the first
        # read of each new row also writes (hint bits), which no real verify run pays.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return len(heads)


def time_verify() -> tuple[int, int, float]:
    from chaperon.audit.verify import verify_chain

    started = time.perf_counter()
    result = verify_chain()
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"verify found the benchmark's chain broken: {result.problem}")
    return result.events, result.chains, elapsed


# The run --------------------------------------------------------------------------------------


def run(sizes: Sizes, quick: bool) -> dict[str, Any]:
    with bench_database(BENCH_DATABASE) as where:
        print(f"database: {where}")
        _setup_django()
        from django.db import connection

        print(f"machine: {_describe_server()}")
        if note := _long_transactions_note():
            print(note)

        count, append_s, plain_s = compare_writes(sizes)
        append_rate, plain_rate = count / append_s, count / plain_s
        print(f"appends through record(): {count:,} in {append_s:.2f} s = {append_rate:,.0f}/s")
        print(f"plain inserts:            {count:,} in {plain_s:.2f} s = {plain_rate:,.0f}/s")
        print(f"append ratio: {append_rate / plain_rate:.2f} (target: at least 0.5)")

        started = time.perf_counter()
        chains = extend_chains(sizes.events - count)
        print(
            f"chains written: {sizes.events:,} events in {chains} chains "
            f"in {time.perf_counter() - started:.1f} s"
        )
        events, walked, verify_s = time_verify()
        per_million = verify_s / events * 1_000_000
        print(
            f"verify: {events:,} events in {walked} chains in {verify_s:.2f} s = "
            f"{per_million:.2f} s per million"
        )
        print("(target: under 10 s per million)")
        return {
            "bench": "audit",
            "append_per_s": round(append_rate, 1),
            "plain_insert_per_s": round(plain_rate, 1),
            "append_ratio": round(append_rate / plain_rate, 3),
            "verify_s_per_million": round(per_million, 2),
            "database": connection.vendor,
            "writes_each": count,
            "verify_events": events,
            "verify_chains": walked,
            "quick": quick,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, under a minute")
    options = parser.parse_args()
    summary = run(QUICK if options.quick else FULL, options.quick)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
