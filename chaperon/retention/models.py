"""The organisation's own retention periods, holds that keep a person's records from
destruction, the DSL's reviews at the end of a period, and what is left of records destroyed
under the schedule (LOG-2)."""

from django.conf import settings
from django.db import models

from chaperon.core.pure.retention import Kind
from chaperon.people.models import Learner, OrganisationOwned, StaffMember

KIND_CHOICES = [(kind.value, kind.value) for kind in Kind]


class RetentionPeriod(OrganisationOwned):
    """The organisation's own period for a kind of record, in place of the schedule's. Longer
    is always allowed; shorter only with ``reason``, which is kept and shown."""

    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    years = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="retention_period_once_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(years__gte=1), name="retention_period_at_least_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.years} years"


class RetentionHold(OrganisationOwned):
    """The DSL keeps every record about a person from destruction (a case, a claim, an
    inquiry), whatever the schedule says, until the hold is released."""

    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(learner__isnull=True) ^ models.Q(staff__isnull=True),
                name="retention_hold_on_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"hold {self.pk}"

    @property
    def active(self) -> bool:
        return self.released_at is None


class RetentionReview(OrganisationOwned):
    """The DSL reviewed a record at the end of its period and kept it until ``keep_until``."""

    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    keep_until = models.DateField()
    reason = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "kind", "keep_until"])]

    def __str__(self) -> str:
        return f"{self.kind} kept until {self.keep_until}"


class RetentionDestruction(OrganisationOwned):
    """What is left of records destroyed at the end of their period on the DSL's confirmation:
    which kind, how many, their digest, the rule, who confirmed and the audit event that
    certifies it. None of their content."""

    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    # The person they were about: a member of staff, or a learner (a child protection file).
    staff_id_was = models.BigIntegerField(null=True, blank=True)
    learner_id_was = models.BigIntegerField(null=True, blank=True)
    record_count = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64)
    rule = models.TextField()
    destroyed_at = models.DateTimeField()
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    audit_seq = models.BigIntegerField(null=True, blank=True)
    audit_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-destroyed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff_id_was__isnull=True)
                ^ models.Q(learner_id_was__isnull=True),
                name="retention_destruction_of_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_count} {self.kind} records destroyed"
