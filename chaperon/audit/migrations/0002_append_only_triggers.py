"""Refuse UPDATE and DELETE of audit events inside the database, not only in the application.

PostgreSQL: a row trigger refuses both. TRUNCATE is left alone (test runners empty tables with
it); verification catches an emptied log through the chain head.

SQLite: it has no TRUNCATE, and emptying a table (Django's flush) is ``DELETE FROM`` walking
the table in insertion order. So an UPDATE is always refused, and a DELETE is refused for any
event that has an older one still in the table: the whole log can still be emptied, and events
can be taken from its start (verification names them missing), but no event can be changed or
taken out of the middle or the end.

Any later migration that makes SQLite rebuild this table drops its triggers: recreate them.
"""

from typing import Any

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % of event #% refused', TG_OP, OLD.seq
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'audit events can only be added, never changed or removed';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
]

SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE of an event refused');
    END
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE rowid < OLD.rowid)
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: DELETE of an event refused');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

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
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(forward, reverse, elidable=False),
    ]
