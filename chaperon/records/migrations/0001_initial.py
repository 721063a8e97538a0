"""Meeting records, moved here from the sessions app (``live_sessions.0005``). The tables were
made by ``live_sessions.0003_meeting_records`` and keep their names (``db_table``) and rows:
this migration tells Django about the models and does nothing to the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("live_sessions", "0006_meeting_records_moved"),
        ("people", "0007_normalised_emails"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="MeetingRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("chaperon_room", "Chaperon room"),
                            ("approved_platform", "Another approved platform"),
                            ("phone", "Phone call"),
                            ("in_person", "In person"),
                        ],
                        max_length=20,
                    ),
                ),
                ("platform_name", models.CharField(blank=True, max_length=100)),
                ("summary", models.TextField()),
                ("digest", models.CharField(max_length=64)),
                ("amended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.organisation",
                    ),
                ),
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meeting_record",
                        to="live_sessions.session",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "live_sessions_meetingrecord",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("summary", ""), _negated=True),
                        name="meeting_record_has_summary",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MeetingAction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("description", models.TextField()),
                ("owner_name", models.CharField(blank=True, max_length=200)),
                ("due_on", models.DateField()),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="records.meetingrecord",
                    ),
                ),
            ],
            options={
                "db_table": "live_sessions_meetingaction",
                "ordering": ["record", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record", "position"), name="meeting_action_position"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("owner__isnull", False),
                            models.Q(("owner_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="meeting_action_has_owner",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MeetingRecordAmendment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField()),
                ("amended_at", models.DateTimeField()),
                ("reason", models.TextField()),
                ("before", models.JSONField()),
                ("after", models.JSONField()),
                (
                    "amended_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="amendments",
                        to="records.meetingrecord",
                    ),
                ),
            ],
            options={
                "db_table": "live_sessions_meetingrecordamendment",
                "ordering": ["record", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record", "number"), name="meeting_amendment_number"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MeetingRecordDestruction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("record_id", models.BigIntegerField()),
                ("written_at", models.DateTimeField()),
                ("destroyed_at", models.DateTimeField()),
                ("retention_years", models.PositiveSmallIntegerField()),
                ("digest", models.CharField(max_length=64)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.organisation",
                    ),
                ),
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meeting_record_destruction",
                        to="live_sessions.session",
                    ),
                ),
            ],
            options={"db_table": "live_sessions_meetingrecorddestruction"},
        ),
        migrations.CreateModel(
            name="MeetingRecordReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("host", "The host"),
                            ("manager", "The host's line manager (or the DSL)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("sent_at", models.DateTimeField()),
                ("recipients", models.JSONField(default=list)),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="live_sessions.session",
                    ),
                ),
            ],
            options={
                "db_table": "live_sessions_meetingrecordreminder",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "stage"), name="meeting_reminder_once"
                    )
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state_operations, database_operations=[]
        )
    ]
