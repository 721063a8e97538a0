"""One deliberate exception to "nothing is deleted": a learner's child protection file, destroyed
at the end of its retention period on the DSL's confirmation through the retention service
(LOG-2), which certifies it in the audit log.

The database still refuses every other delete. It allows one only for rows of the file named by
a permit the retention service gives inside its own transaction, which ends with it:

- PostgreSQL: the transaction-local setting ``chaperon.destruction`` (``SET LOCAL``, through
  ``set_config(..., true)``) holds ``concern_file:<learner id>``; the trigger function allows a
  DELETE of a concern of that learner's file (``kind = 'concern'``) and of that concern's
  entries, steps, documents and access rows. Updates are refused as before.
- SQLite: a row in ``concerns_destruction_permit`` (a trigger may only read tables of its own
  database, not a temporary one) names the learner; the service writes it and deletes it again
  in the same transaction. The DELETE triggers of migration 0002 are replaced by the same
  triggers with that exception.
"""

from typing import Any

from django.db import migrations

ALL_TABLES = [
    "concerns_concern",
    "concerns_concernstep",
    "concerns_concernentry",
    "concerns_concernattachment",
    "concerns_caseaccess",
]

REFUSE = """
    CREATE OR REPLACE FUNCTION concerns_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'concerns are only added to: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'add an entry to the concern instead';
    END
    $$
"""

REFUSE_UNLESS_PERMITTED = """
    CREATE OR REPLACE FUNCTION concerns_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        permit text := current_setting('chaperon.destruction', true);
        file_of bigint;
    BEGIN
        IF TG_OP = 'DELETE' AND permit LIKE 'concern_file:%' THEN
            IF TG_TABLE_NAME = 'concerns_concern' THEN
                SELECT c.learner_id INTO file_of FROM concerns_concern c
                    WHERE c.id = OLD.id AND c.kind = 'concern';
            ELSE
                SELECT c.learner_id INTO file_of FROM concerns_concern c
                    WHERE c.id = OLD.concern_id AND c.kind = 'concern';
            END IF;
            IF file_of IS NOT NULL AND 'concern_file:' || file_of::text = permit THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'concerns are only added to: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'add an entry to the concern instead';
    END
    $$
"""


def _abort(what: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, 'concerns are only added to: {what} refused'); END"


def _sqlite_no_delete(table: str, *, permitted: bool) -> list[str]:
    older = f"SELECT 1 FROM {table} WHERE rowid < OLD.rowid"  # noqa: S608 (our own table names)
    condition = f"EXISTS ({older})"
    if permitted:
        if table == "concerns_concern":
            permit = (
                "SELECT 1 FROM concerns_destruction_permit p "
                "WHERE p.learner_id = OLD.learner_id AND OLD.kind = 'concern'"
            )
        else:
            permit = (
                "SELECT 1 FROM concerns_destruction_permit p JOIN concerns_concern c "
                "ON c.learner_id = p.learner_id "
                "WHERE c.id = OLD.concern_id AND c.kind = 'concern'"
            )
        condition += f" AND NOT EXISTS ({permit})"
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN {condition} {_abort('DELETE')}",
    ]


SQLITE_FORWARD = [
    "CREATE TABLE concerns_destruction_permit (learner_id integer NOT NULL PRIMARY KEY)",
    *[sql for table in ALL_TABLES for sql in _sqlite_no_delete(table, permitted=True)],
]
SQLITE_REVERSE = [
    *[sql for table in ALL_TABLES for sql in _sqlite_no_delete(table, permitted=False)],
    "DROP TABLE IF EXISTS concerns_destruction_permit",
]
STATEMENTS = {
    "postgresql": ([REFUSE_UNLESS_PERMITTED], [REFUSE]),
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
    dependencies = [("concerns", "0006_concern_org_kind_index")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
