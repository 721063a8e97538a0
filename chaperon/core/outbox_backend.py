"""The outbox: a Django email backend that keeps each message in the database, shown on the
outbox page (``/outbox/``), so that the embedded demo works with no mail server."""

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxMessage


class OutboxBackend(BaseEmailBackend):
    """Keep each message in the database, to be read on the outbox page."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            OutboxMessage.objects.create(
                from_email=message.from_email or "",
                to=", ".join(message.recipients()),
                subject=str(message.subject),
                body=str(message.body),
                raw=message.message().as_bytes(),
                message_id=str(message.extra_headers.get("Message-ID", "")),
            )
        return len(email_messages)
