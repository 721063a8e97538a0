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

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
