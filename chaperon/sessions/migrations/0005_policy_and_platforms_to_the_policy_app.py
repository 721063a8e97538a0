"""The organisation's policy and its platform register belong to the policy app now
(``policy.0001_initial``): forgotten here, their tables kept as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("live_sessions", "0004_session_ended_exception_withdrawn_invitation_withdrawn"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ApprovedPlatform"),
                migrations.DeleteModel(name="OrganisationPolicy"),
            ],
        ),
    ]
