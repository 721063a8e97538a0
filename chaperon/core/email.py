"""Send email reliably: queue it in the caller's transaction, deliver it after commit.

``queue_email`` records an ``EmailDelivery`` row and, once the surrounding transaction commits,
enqueues ``deliver_email_task`` for it; the task sends through Django's default mailer and
records the outcome (sent, refused by the server, or failed after retries). A change rolled
back sends nothing; a crash between commit and sending leaves a queued row that
``chaperon send_queued_email`` picks up.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction

from .models import EmailDelivery


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    purpose: str,
    html: str = "",
    obj: models.Model | None = None,
    organisation_id: int | None = None,
    attachments: Sequence[Attachment] = (),
    reply_to: str = "",
) -> EmailDelivery:
    """Record one email to ``to`` and deliver it after the current transaction commits."""
    from .tasks import deliver_email_task

    delivery = EmailDelivery.objects.create(
        organisation_id=organisation_id
        if organisation_id is not None
        else getattr(obj, "organisation_id", None),
        purpose=purpose,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=[
            {
                "filename": item.filename,
                "content_type": item.content_type,
                "content_base64": base64.b64encode(item.content).decode(),
            }
            for item in attachments
        ],
        reply_to=reply_to,
    )
    transaction.on_commit(lambda: deliver_email_task.enqueue(delivery.pk))
    return delivery
