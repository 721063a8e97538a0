from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """An email kept instead of sent: the embedded default, so the product works with no
    mail server. A deployment sets ``EMAIL_BACKEND`` to SMTP and this table stays empty."""

    created_at = models.DateTimeField(auto_now_add=True)
    from_email = models.CharField(max_length=254)
    to = models.TextField()
    subject = models.CharField(max_length=998)
    body = models.TextField()
    raw = models.BinaryField()
    # The Message-ID, which ties the message to its ``EmailDelivery`` and so to an organisation.
    message_id = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    REFUSED = "refused", "Refused by the mail server (address bounced)"
    FAILED = "failed", "Could not be sent"
    INVALID = "invalid", "Could not be sent: the message could not be made (never retried)"
    UNCERTAIN = "uncertain", "May have been sent: the sender stopped while handing it over"


# A delivery that failed this many times is not tried again by itself.
MAX_DELIVERY_ATTEMPTS = 5


class EmailDelivery(models.Model):
    """One email to one recipient, and what became of it: every notice the product must give
    is recorded with its delivery. ``purpose`` and the object say why it was sent."""

    created_at = models.DateTimeField(auto_now_add=True)
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    purpose = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    to = models.EmailField()
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    # [{"filename", "content_type", "content_base64"}]
    attachments = models.JSONField(default=list, blank=True)
    reply_to = models.EmailField(blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The attempt under way: which worker took it and when, and when the message itself was
    # handed to the mail server (after that, a lost answer means it may have been sent).
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["status", "created_at"], name="delivery_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to}: {self.status}"

    @property
    def gave_up(self) -> bool:
        """Failed as many times as it is tried: nothing will send it now."""
        return self.status == DeliveryStatus.FAILED and self.attempts >= MAX_DELIVERY_ATTEMPTS

    @property
    def needs_attention(self) -> bool:
        """Not sent, and not going to be without someone acting (or sent perhaps)."""
        return self.gave_up or self.status in ATTENTION_STATUSES


ATTENTION_STATUSES = frozenset(
    {DeliveryStatus.REFUSED, DeliveryStatus.INVALID, DeliveryStatus.UNCERTAIN}
)


class PeriodicRun(models.Model):
    """When each periodic task was last put on the queue (see ``chaperon.core.scheduling``)."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_enqueued_at:%Y-%m-%d %H:%M}"


class ProcessRole(models.TextChoices):
    WORKER = "worker", "Task worker"
    SCHEDULER = "scheduler", "Scheduler"


class Heartbeat(models.Model):
    """A background process saying it is alive (see ``chaperon.core.heartbeats``): /healthz
    reads the latest of each role, and work held by a process whose heartbeat stopped is
    taken up again."""

    name = models.CharField(max_length=100, unique=True)  # the worker id, unique per process
    role = models.CharField(max_length=10, choices=ProcessRole.choices)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.role} {self.name} at {self.beat_at:%H:%M:%S}"
