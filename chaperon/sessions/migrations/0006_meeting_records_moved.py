"""Meeting records now belong to the records app (``records.0001_initial``). Only Django's
idea of the models moves: the tables keep their names and their rows, so nothing is done to
the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("live_sessions", "0005_policy_and_platforms_to_the_policy_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MeetingAction"),
                migrations.DeleteModel(name="MeetingRecordAmendment"),
                migrations.DeleteModel(name="MeetingRecord"),
                migrations.DeleteModel(name="MeetingRecordReminder"),
                migrations.DeleteModel(name="MeetingRecordDestruction"),
            ],
            database_operations=[],
        )
    ]
