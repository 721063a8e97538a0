"""Refuse every insert that does not extend the chain, and TRUNCATE on PostgreSQL.

The triggers of 0002 refuse UPDATE and DELETE, but an insert could still rewrite the log:

- SQLite's ``INSERT OR REPLACE`` (or ``REPLACE INTO``) deletes the rows it conflicts with and
  inserts the new one; the implicit delete fires DELETE triggers only when the connection has
  ``PRAGMA recursive_triggers`` on, which a rewriting connection simply leaves off.
- On either database an insert can put an event after a gap or beside the chain.

So a BEFORE INSERT trigger lets an event in only where the application appends it: numbered one
after the last event, naming that event's hash as its ``prev_hash``, with a hash no event has
(and, on SQLite, not naming the rowid of a stored row). A REPLACE meant to overwrite a stored
event fails before its delete happens. ``INSERT ... ON CONFLICT DO UPDATE`` fires the UPDATE
triggers of 0002 and is refused by them.

PostgreSQL's TRUNCATE empties a table without row triggers: a statement trigger refuses it
unless the session has set ``chaperon.allow_audit_truncate`` to ``on``, which only the test
settings do (their runner empties every table between tests).

Any later migration that makes SQLite rebuild audit_auditevent drops its triggers: recreate
them.
"""

from typing import Any

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_event_refuse_out_of_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        last_seq bigint;
        last_hash varchar(64);
    BEGIN
        SELECT seq, hash INTO last_seq, last_hash
            FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
        IF NOT FOUND THEN
            last_seq := 0;
            last_hash := repeat('0', 64);  -- the genesis hash
        END IF;
        IF NEW.seq IS DISTINCT FROM last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM last_hash THEN
            RAISE EXCEPTION 'the audit log is append-only: INSERT of event #% refused (the next event is #%, following event #%)',
                NEW.seq, last_seq + 1, last_seq
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'audit events can only be appended after the last one';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_at_end BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_out_of_chain()
    """,
    """
    CREATE FUNCTION audit_event_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('chaperon.allow_audit_truncate', true) IS DISTINCT FROM 'on' THEN
            RAISE EXCEPTION 'the audit log is append-only: TRUNCATE of % refused', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'audit events can only be added, never changed or removed';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_refuse_truncate()",
    "DROP TRIGGER IF EXISTS audit_event_append_at_end ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_refuse_out_of_chain()",
]

SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_event_append_at_end BEFORE INSERT ON audit_auditevent
    WHEN NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM audit_auditevent), 0) + 1
        OR NEW.prev_hash IS NOT COALESCE(
            (SELECT hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1), hex(zeroblob(32))
        )
        OR EXISTS (SELECT 1 FROM audit_auditevent WHERE hash = NEW.hash)
        OR EXISTS (SELECT 1 FROM audit_auditevent WHERE rowid = NEW.rowid)
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: INSERT of an event that does not follow the last one (or would replace one) refused');
    END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_event_append_at_end"]

STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor: Any, direction: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for sql in statements[direction]:
        schema_editor.execute(sql, params=None)


def forward(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 0)


def reverse(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditchainhead_prev_hash_alter_auditevent_action")]

    operations = [
        migrations.RunPython(forward, reverse, elidable=False),
    ]
