"""Public report counts (the limit per address), spooled reports once raised, and a bound on
what a reporter may write.

The bound on ``concerns_concern`` is made without rebuilding the table, which on SQLite would
drop the triggers of migration 0002: PostgreSQL gets a CHECK constraint marked NOT VALID (rows
written before it are left as they are; every new row is checked), SQLite a trigger on INSERT
(the reported text never changes after it, migration 0002).
"""

from typing import Any

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

DESCRIPTION_MAX_CHARS = 20000
DETAIL_MAX_CHARS = 4000
_BOUNDS = (
    ("description", DESCRIPTION_MAX_CHARS),
    ("material_location", DETAIL_MAX_CHARS),
    ("seen_by", DETAIL_MAX_CHARS),
)

POSTGRESQL = (
    "ALTER TABLE concerns_concern ADD CONSTRAINT concern_text_bounded CHECK ("
    + " AND ".join(f"LENGTH({column}) <= {limit}" for column, limit in _BOUNDS)
    + ") NOT VALID",
    "ALTER TABLE concerns_concern DROP CONSTRAINT IF EXISTS concern_text_bounded",
)
SQLITE = (
    "CREATE TRIGGER concerns_concern_text_bounded BEFORE INSERT ON concerns_concern WHEN "
    + " OR ".join(f"length(NEW.{column}) > {limit}" for column, limit in _BOUNDS)
    + " BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: concern_text_bounded'); END",
    "DROP TRIGGER IF EXISTS concerns_concern_text_bounded",
)


def _run(schema_editor: Any, index: int) -> None:
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is not None:
        schema_editor.execute(statements[index], params=None)


def forward(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 0)


def reverse(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("concerns", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="ReportCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address_key", models.CharField(max_length=64)),
                ("window_start", models.DateTimeField()),
                ("reports", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("address_key", "window_start"), name="concern_report_count_once"
                    )
                ]
            },
        ),
        migrations.CreateModel(
            name="SpooledReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("receipt", models.CharField(max_length=32, unique=True)),
                ("received_at", models.DateTimeField()),
                ("replayed_at", models.DateTimeField()),
                (
                    "concern",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="concerns.concern",
                    ),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, reverse, elidable=False)],
            state_operations=[
                migrations.AddConstraint(
                    model_name="concern",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            *[
                                django.db.models.lookups.LessThanOrEqual(
                                    django.db.models.functions.text.Length(column), limit
                                )
                                for column, limit in _BOUNDS
                            ]
                        ),
                        name="concern_text_bounded",
                    ),
                )
            ],
        ),
    ]
