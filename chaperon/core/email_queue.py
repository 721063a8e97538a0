"""Send email reliably: queue it in the caller's transaction, deliver it after commit.

``queue_email`` records an ``EmailDelivery`` row and the ``deliver_email_task`` for it. With
the database task backend (``chaperon serve``, production) the task is written in the same
transaction as the delivery, so the two commit together or not at all; with another backend
it is enqueued once the transaction commits. The task sends through Django's default mailer
and records the outcome (see ``chaperon.core.tasks``). A change rolled back sends nothing. A
delivery whose task was lost or whose worker died is taken up again by the scheduler
(``chaperon.core.leases``); ``chaperon send_queued_email`` sends what is queued by hand.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction

from .models import EmailDelivery
from .taskqueue import uses_database_tasks


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
    from .tasks import deliver_email_task, new_message_id

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
        message_id=new_message_id(),
    )
    if uses_database_tasks():
        deliver_email_task.enqueue(delivery.pk)
    else:
        transaction.on_commit(lambda: deliver_email_task.enqueue(delivery.pk))
    return delivery
