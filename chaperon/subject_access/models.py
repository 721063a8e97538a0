"""Subject access requests (UK GDPR article 15; LOG-2, ORG-7): whose, when received and due,
what was gathered, the third parties found in it with the DSL's decision on each, and the
version released with its digest. A released request is never changed."""

from django.conf import settings
from django.db import models

from chaperon.people.models import Guardian, Learner, OrganisationOwned, StaffMember

from .exemptions import Exemption


class SubjectKind(models.TextChoices):
    LEARNER = "learner", "Learner"
    GUARDIAN = "guardian", "Parent or carer"
    STAFF = "staff", "Member of staff"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PREPARED = "prepared", "Prepared"
    RELEASED = "released", "Released"


class SubjectAccessRequest(OrganisationOwned):
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField()
    due_on = models.DateField()
    requester_note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What was gathered when it was last prepared: the export is made from this, so that what
    # the DSL reviewed is what is released.
    gathered = models.JSONField(default=dict, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The decisions as they stood at release, and the export sent.
    decisions = models.JSONField(default=list, blank=True)
    archive = models.BinaryField(null=True, blank=True, editable=False)
    archive_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject_kind="learner", learner__isnull=False)
                    & models.Q(guardian__isnull=True, staff__isnull=True)
                )
                | (
                    models.Q(subject_kind="guardian", guardian__isnull=False)
                    & models.Q(learner__isnull=True, staff__isnull=True)
                )
                | (
                    models.Q(subject_kind="staff", staff__isnull=False)
                    & models.Q(learner__isnull=True, guardian__isnull=True)
                ),
                name="subject_access_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("received_on")),
                name="subject_access_due_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"subject access request {self.pk}"

    @property
    def subject(self) -> Learner | Guardian | StaffMember:
        person = self.learner or self.guardian or self.staff
        if person is None:  # the database's constraint forbids it
            raise ValueError(f"subject access request {self.pk} has no subject")
        return person

    @property
    def subject_name(self) -> str:
        person = self.subject
        return person.user.full_name if isinstance(person, StaffMember) else person.full_name

    @property
    def released(self) -> bool:
        return self.status == RequestStatus.RELEASED


class ThirdPartyKind(models.TextChoices):
    OTHER_LEARNER = "learner", "Another learner"
    GUARDIAN = "guardian", "A parent or carer"
    CONCERN_REPORTER = "reporter", "The reporter of a concern"
    STAFF = "staff", "A member of staff"
    OTHER = "other", "Someone else named"


class Decision(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    WITHHOLD = "withhold", "Withhold"


class ThirdParty(models.Model):
    """Someone other than the subject found in what was gathered: listed for the DSL to
    disclose or withhold (with the exemption used) before release."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="third_parties"
    )
    key = models.CharField(max_length=80)  # "learner:12", "reporter:7": stable across preparing
    kind = models.CharField(max_length=10, choices=ThirdPartyKind.choices)
    name = models.CharField(max_length=200)
    # Every other way the export may show them (addresses, how the audit log labels them).
    aliases = models.JSONField(default=list, blank=True)
    found_in = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    exemption = models.CharField(max_length=30, choices=Exemption.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="subject_access_party_once"),
            models.CheckConstraint(
                condition=models.Q(decision="withhold", exemption__gt="")
                | (~models.Q(decision="withhold") & models.Q(exemption="")),
                name="subject_access_withheld_has_exemption",
            ),
        ]

    def __str__(self) -> str:
        return self.name
