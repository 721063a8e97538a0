"""Child protection files sent to a learner's new school (INC-8, LOG-2).

A ``Transfer`` belongs to the sending organisation. Sent directly to another Chaperon
organisation, it keeps the file as it was sent (``content``) for the receiving DSL to review,
until they accept or decline it; sent as a package, it keeps only the encrypted package (never its
passphrase: ``passphrase_issued_at`` shows one was given) until the sender records that the new
school confirmed receipt. The sender's own concerns are never changed by a transfer.

A ``PackageImport`` belongs to the organisation that imported a package; a ``ReceivedConcern``
marks each concern a transfer or an import wrote, with where it came from.
"""

from django.conf import settings
from django.db import models

from chaperon.people.models import Learner, Organisation, OrganisationOwned


class Method(models.TextChoices):
    DIRECT = "direct", "Directly to another school on Chaperon"
    PACKAGE = "package", "As an encrypted package, passphrase sent separately"


class TransferStatus(models.TextChoices):
    SENT = "sent", "Sent: waiting for receipt"
    RECEIVED = "received", "Received"
    DECLINED = "declined", "Declined by the receiving school"


class Transfer(OrganisationOwned):
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8, choices=Method.choices)
    # The school it goes to: on Chaperon, or named by the sender (a package).
    receiving_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiving_school = models.CharField(max_length=200)
    status = models.CharField(
        max_length=8, choices=TransferStatus.choices, default=TransferStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    concern_count = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64)
    # Direct: the file as sent, for the receiving DSL to review; emptied once they accept it
    # (it is then their own records) or decline it. ``content_sha256`` stays.
    content = models.JSONField(null=True, blank=True)
    # Package: the encrypted bytes, and when the passphrase was shown (it is never kept).
    package = models.BinaryField(null=True, blank=True)
    passphrase_issued_at = models.DateTimeField(null=True, blank=True)
    # Receipt: who at the new school, when, how (for a package, as the sender recorded it).
    received_at = models.DateTimeField(null=True, blank=True)
    received_by_name = models.CharField(max_length=200, blank=True)
    receipt_how = models.CharField(max_length=200, blank=True)
    receipt_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Direct: the receiving side's decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    received_learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="direct")
                | models.Q(receiving_organisation__isnull=False),
                name="transfer_direct_names_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "sent_at"], name="transfer_outgoing"),
            models.Index(fields=["receiving_organisation", "sent_at"], name="transfer_incoming"),
            models.Index(fields=["status", "reminded_at"], name="transfer_awaiting"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk} to {self.receiving_school}"

    @property
    def awaiting(self) -> bool:
        return self.status == TransferStatus.SENT


class PackageImport(OrganisationOwned):
    """A package another school sent, opened with its passphrase and written onto a learner's
    file here."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    sending_school = models.CharField(max_length=200)
    package_sha256 = models.CharField(max_length=64)
    concern_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"package from {self.sending_school}"


class ReceivedConcern(models.Model):
    """A concern written here from a transferred file, with where it came from."""

    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="received"
    )
    package_import = models.ForeignKey(
        PackageImport, null=True, blank=True, on_delete=models.PROTECT, related_name="received"
    )
    concern_id = models.BigIntegerField(unique=True)
    original_reference = models.CharField(max_length=16)
    sending_school = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(transfer__isnull=True) ^ models.Q(package_import__isnull=True),
                name="received_concern_from_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_reference} from {self.sending_school}"
