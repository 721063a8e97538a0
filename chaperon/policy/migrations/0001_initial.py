"""The organisation's policy and its platform register, moved here from the sessions app: the
tables stay as they are (``live_sessions_*``); only Django's record of which app owns them
changes (``live_sessions.0005`` forgets them there)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("live_sessions", "0004_session_ended_exception_withdrawn_invitation_withdrawn"),
        ("people", "0004_validity_years"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ApprovedPlatform",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("key", models.SlugField(max_length=40)),
                        ("name", models.CharField(max_length=100)),
                        ("risk_assessed_on", models.DateField()),
                        ("risk_assessment", models.TextField()),
                        (
                            "organisation_account",
                            models.BooleanField(
                                default=True,
                                help_text="Used only through the organisation's own account.",
                            ),
                        ),
                        ("settings", models.JSONField(default=dict)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="people.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "live_sessions_approvedplatform",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "key"), name="platform_key_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OrganisationPolicy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("version", models.PositiveIntegerField()),
                        ("text", models.TextField()),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="people.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "live_sessions_organisationpolicy",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "version"),
                                name="organisation_policy_version_unique",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
