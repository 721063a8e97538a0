"""An index on (organisation, kind): the few allegations about staff among an organisation's
concerns, looked up on every page that must leave out those the viewer may not open."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0005_reclassify_and_assign"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(fields=["organisation", "kind"], name="concern_org_kind"),
        ),
    ]
