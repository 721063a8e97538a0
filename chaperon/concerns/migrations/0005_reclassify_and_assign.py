"""What stands now may change through the services, each change an entry; the report as made
does not. Two columns move from the first to the second:

- a concern's ``kind`` and ``subject_staff_id``: the DSL may re-classify a concern as an
  allegation about a member of staff (INC-10); the entry keeps what they were. What the
  reporter wrote (``subject_staff_name`` among the rest) stays fixed.
- a step's ``owner_id`` and ``due_at``: an open step may be assigned to someone else, with a
  new due time; once done, a step never changes again.

The triggers of migration 0002 are replaced by the same triggers over the new column lists.
"""

from typing import Any

from django.db import migrations

OLD_REPORTED_FACTS = [
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
REPORTED_FACTS = [
    column for column in OLD_REPORTED_FACTS if column not in ("kind", "subject_staff_id")
]
OLD_STEP_FACTS = ["concern_id", "key", "title", "clause", "owner_id", "due_at", "agencies"]
STEP_FACTS = [column for column in OLD_STEP_FACTS if column not in ("owner_id", "due_at")]


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f'OLD."{column}" {distinct} NEW."{column}"' for column in columns)


def _postgresql(facts: list[str], steps: list[str]) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS concerns_concern_facts_fixed ON concerns_concern",
        "DROP TRIGGER IF EXISTS concerns_concernstep_done_once ON concerns_concernstep",
        "CREATE TRIGGER concerns_concern_facts_fixed BEFORE UPDATE ON concerns_concern "
        f"FOR EACH ROW WHEN ({_changed(facts, 'IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION concerns_refuse_change()",
        "CREATE TRIGGER concerns_concernstep_done_once BEFORE UPDATE ON concerns_concernstep "
        "FOR EACH ROW WHEN (OLD.done_at IS NOT NULL OR "
        f"{_changed(steps, 'IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION concerns_refuse_change()",
    ]


def _abort(what: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, 'concerns are only added to: {what} refused'); END"


def _sqlite(facts: list[str], steps: list[str]) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS concerns_concern_facts_fixed",
        "DROP TRIGGER IF EXISTS concerns_concernstep_done_once",
        "CREATE TRIGGER concerns_concern_facts_fixed BEFORE UPDATE ON concerns_concern "
        f"WHEN {_changed(facts, 'IS NOT')} {_abort('a change to what was reported')}",
        "CREATE TRIGGER concerns_concernstep_done_once BEFORE UPDATE ON concerns_concernstep "
        f"WHEN OLD.done_at IS NOT NULL OR {_changed(steps, 'IS NOT')} "
        f"{_abort('a change to a step')}",
    ]


STATEMENTS = {
    "postgresql": (
        _postgresql(REPORTED_FACTS, STEP_FACTS),
        _postgresql(OLD_REPORTED_FACTS, OLD_STEP_FACTS),
    ),
    "sqlite": (_sqlite(REPORTED_FACTS, STEP_FACTS), _sqlite(OLD_REPORTED_FACTS, OLD_STEP_FACTS)),
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
    dependencies = [("concerns", "0004_staff_suspensions_and_links")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
