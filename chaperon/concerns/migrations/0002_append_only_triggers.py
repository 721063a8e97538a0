"""Concerns are only ever added to: the database refuses the rest, not only the application.

- A concern's reported facts (``models.REPORTED_FACTS``) never change; where it stands now
  (status, category, learner...) may, through the services, each change an entry.
- Entries, documents and the people named on a restricted case are never changed.
- A step is changed once, when it is done; after that never.
- Nothing is deleted.

PostgreSQL: row triggers. TRUNCATE is left alone (test runners empty tables with it).
SQLite: DELETE is refused for any row that has an older one still in its table, as for the
audit log, so that emptying a whole table (Django's flush) still works but no row can be
taken out of it. A later migration that makes SQLite rebuild one of these tables drops its
triggers: recreate them.
"""

from typing import Any

from django.db import migrations

REPORTED_FACTS = [
    "organisation_id",
    "reference",
    "kind",
    "source",
    "raised_by_id",
    "reporter_name",
    "reporter_relation",
    "reporter_contact",
    "about_name",
    "subject_staff_id",
    "subject_staff_name",
    "session_id",
    "description",
    "material_location",
    "seen_by",
    "immediate_danger",
    "created_at",
]
STEP_FACTS = ["concern_id", "key", "title", "clause", "owner_id", "due_at", "agencies"]
FROZEN_TABLES = ["concerns_concernentry", "concerns_concernattachment", "concerns_caseaccess"]
ALL_TABLES = ["concerns_concern", "concerns_concernstep", *FROZEN_TABLES]


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f'OLD."{column}" {distinct} NEW."{column}"' for column in columns)


POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION concerns_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'concerns are only added to: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'add an entry to the concern instead';
    END
    $$
    """,
    *[
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION concerns_refuse_change()"
        for table in FROZEN_TABLES
    ],
    *[
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION concerns_refuse_change()"
        for table in ("concerns_concern", "concerns_concernstep")
    ],
    "CREATE TRIGGER concerns_concern_facts_fixed BEFORE UPDATE ON concerns_concern FOR EACH ROW "
    f"WHEN ({_changed(REPORTED_FACTS, 'IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION concerns_refuse_change()",
    "CREATE TRIGGER concerns_concernstep_done_once BEFORE UPDATE ON concerns_concernstep "
    "FOR EACH ROW WHEN (OLD.done_at IS NOT NULL OR "
    f"{_changed(STEP_FACTS, 'IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION concerns_refuse_change()",
]
POSTGRESQL_REVERSE = [
    *[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in FROZEN_TABLES],
    "DROP TRIGGER IF EXISTS concerns_concern_no_delete ON concerns_concern",
    "DROP TRIGGER IF EXISTS concerns_concernstep_no_delete ON concerns_concernstep",
    "DROP TRIGGER IF EXISTS concerns_concern_facts_fixed ON concerns_concern",
    "DROP TRIGGER IF EXISTS concerns_concernstep_done_once ON concerns_concernstep",
    "DROP FUNCTION IF EXISTS concerns_refuse_change()",
]


def _abort(what: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, 'concerns are only added to: {what} refused'); END"


def _sqlite_no_delete(table: str) -> str:
    older = f"SELECT 1 FROM {table} WHERE rowid < OLD.rowid"  # noqa: S608 (our own table names)
    return f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} " + (
        f"WHEN EXISTS ({older}) {_abort('DELETE')}"
    )


SQLITE_FORWARD = [
    *[_sqlite_no_delete(table) for table in ALL_TABLES],
    *[
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {_abort('UPDATE')}"
        for table in FROZEN_TABLES
    ],
    "CREATE TRIGGER concerns_concern_facts_fixed BEFORE UPDATE ON concerns_concern "
    f"WHEN {_changed(REPORTED_FACTS, 'IS NOT')} {_abort('a change to what was reported')}",
    "CREATE TRIGGER concerns_concernstep_done_once BEFORE UPDATE ON concerns_concernstep "
    f"WHEN OLD.done_at IS NOT NULL OR {_changed(STEP_FACTS, 'IS NOT')} "
    f"{_abort('a change to a step')}",
]
SQLITE_REVERSE = [
    *[f"DROP TRIGGER IF EXISTS {table}_no_delete" for table in ALL_TABLES],
    *[f"DROP TRIGGER IF EXISTS {table}_no_update" for table in FROZEN_TABLES],
    "DROP TRIGGER IF EXISTS concerns_concern_facts_fixed",
    "DROP TRIGGER IF EXISTS concerns_concernstep_done_once",
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
    dependencies = [("concerns", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
