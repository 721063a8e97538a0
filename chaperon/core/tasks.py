import base64
import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.utils import DNS_NAME
from django.db.models import F
from django.tasks import default_task_backend, task
from django.utils import timezone

from .models import DeliveryStatus, EmailDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        headers={"Message-ID": make_msgid(domain=DNS_NAME.get_fqdn())},
        subject=delivery.subject,
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to],
        reply_to=[delivery.reply_to] if delivery.reply_to else None,
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    for item in delivery.attachments:
        message.attach(
            item["filename"], base64.b64decode(item["content_base64"]), item["content_type"]
        )
    return message


def _claim(delivery_id: int) -> EmailDelivery | None:
    """Take the delivery for this worker, or None if another has it or it is done."""
    claimed = EmailDelivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED]
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
    return EmailDelivery.objects.get(pk=delivery_id) if claimed == 1 else None


@task()
def deliver_email_task(delivery_id: int) -> str:
    """Send one queued email and record the outcome; retried later if the server is down."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    message = _message(delivery)
    try:
        mailers.default.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        _finish(delivery, DeliveryStatus.REFUSED, error=str(error))
        return DeliveryStatus.REFUSED
    except (OSError, smtplib.SMTPException) as error:
        _finish(delivery, DeliveryStatus.FAILED, error=str(error))
        _retry_later(delivery)
        return DeliveryStatus.FAILED
    _finish(
        delivery, DeliveryStatus.SENT, message_id=str(message.extra_headers.get("Message-ID", ""))
    )
    return DeliveryStatus.SENT


def _finish(delivery: EmailDelivery, status: str, *, error: str = "", message_id: str = "") -> None:
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        last_error=error[:2000],
        sent_at=timezone.now() if status == DeliveryStatus.SENT else None,
        message_id=message_id,
    )
    if status != DeliveryStatus.SENT:
        logger.warning("email %s to %s: %s (%s)", delivery.pk, delivery.to, status, error)


def _retry_later(delivery: EmailDelivery) -> None:
    if delivery.attempts >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
        return
    delay = timedelta(minutes=2**delivery.attempts)
    deliver_email_task.using(run_after=timezone.now() + delay).enqueue(delivery.pk)
