"""Recordings. For now, the queue of destruction requests raised when consent to recording is
withdrawn (REC-7); the vault destroys what they name."""

from django.db import models

from chaperon.people.models import Learner, Organisation


class DestructionStatus(models.TextChoices):
    QUEUED = "queued", "Queued for destruction"
    DESTROYED = "destroyed", "Destroyed"
    HELD = "held", "Held as evidence in a safeguarding case"


class DestructionRequest(models.Model):
    """Destroy the recordings in which a learner appears, because consent was withdrawn."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=DestructionStatus.choices, default=DestructionStatus.QUEUED
    )
    # The consent rows whose withdrawal raised this request.
    consent_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="destruction_org_status"),
        ]

    def __str__(self) -> str:
        return f"Destruction request {self.pk} for learner {self.learner_id}"
