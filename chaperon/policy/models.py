"""The organisation's session policy, version by version, and its register of approved
platforms. Both tables were made by the sessions app and keep their names."""

from django.conf import settings
from django.db import models

from chaperon.people.models import OrganisationOwned

BUILTIN_PLATFORM = "builtin"
# What the built-in room enforces itself (see the live rooms): the settings the policy asks for.
BUILTIN_SETTINGS = {
    "waiting_room": True,
    "passcode": True,
    "host_video": True,
    "participant_video": True,
    "participant_screen_share": False,
    "participant_rename": False,
    "lock_when_all_arrived": True,
}


class OrganisationPolicy(OrganisationOwned):
    """One version of an organisation's session policy (YAML). The newest is in force."""

    version = models.PositiveIntegerField()
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "live_sessions_organisationpolicy"  # made by the sessions app, kept
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="organisation_policy_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"policy v{self.version}"


class ApprovedPlatform(OrganisationOwned):
    """An outside meeting platform risk-assessed for use (ORG-4, SES-11) with its settings."""

    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    risk_assessed_on = models.DateField()
    risk_assessment = models.TextField()
    organisation_account = models.BooleanField(
        default=True, help_text="Used only through the organisation's own account."
    )
    settings = models.JSONField(default=dict)

    class Meta:
        db_table = "live_sessions_approvedplatform"  # made by the sessions app, kept
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="platform_key_unique")
        ]

    def __str__(self) -> str:
        return self.name
