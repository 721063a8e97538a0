"""An allegation's outcome, given when it is closed.

The column is added with a plain ``ALTER TABLE ... ADD COLUMN`` on both databases: on SQLite,
Django would otherwise rebuild ``concerns_concern`` to add a column with a default, which the
append-only triggers on it and on the tables that refer to it do not allow. The column is not
among the reported facts the triggers keep fixed: the closing service sets it.
"""

from django.db import migrations, models

ADD = "ALTER TABLE concerns_concern ADD COLUMN allegation_outcome varchar(16) NOT NULL DEFAULT ''"
DROP = "ALTER TABLE concerns_concern DROP COLUMN allegation_outcome"


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0007_destruction_of_a_child_protection_file"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP, elidable=False)],
            state_operations=[
                migrations.AddField(
                    model_name="concern",
                    name="allegation_outcome",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("substantiated", "Substantiated"),
                            ("unsubstantiated", "Unsubstantiated"),
                            ("false", "False"),
                            ("malicious", "Malicious"),
                            ("unfounded", "Unfounded"),
                        ],
                        default="",
                        max_length=16,
                    ),
                ),
            ],
        ),
    ]
