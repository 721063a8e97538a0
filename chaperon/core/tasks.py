"""Delivering one queued email, at most once.

A worker takes the delivery with a conditional UPDATE (``queued`` or ``failed`` to ``sending``,
naming itself), so two workers never send the same one. Just before the message itself goes
to the mail server (SMTP ``DATA``) it records ``handed_over_at``, again only if the delivery is
still its own. From then on a lost answer (the worker killed, the connection cut) means the
message may have been delivered: such a delivery becomes ``uncertain`` and is never sent again
by itself (``chaperon.core.leases``); one whose worker died before that point is queued again.
So each email is delivered at most once; it is delivered exactly once unless the sender dies
in the moment between handing the message over and recording the server's answer, and then
staff see it as "may have been sent".

A message that cannot be made (a header with a line break in it) is ``invalid`` at once, with
the reason, and never retried. Outcomes are recorded even through a database outage: the
write waits for the database to answer.
"""

import base64
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers, make_msgid
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.utils import DNS_NAME
from django.db.models import F
from django.tasks import default_task_backend, task
from django.utils import timezone

from .heartbeats import process_name
from .models import MAX_DELIVERY_ATTEMPTS, DeliveryStatus, EmailDelivery
from .resilience import RECOVERABLE, until_the_database_answers

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = MAX_DELIVERY_ATTEMPTS


class ClaimLost(Exception):
    """The delivery was taken back from this worker (its lease ran out) before the handover."""


def new_message_id() -> str:
    return make_msgid(domain=DNS_NAME.get_fqdn())


def _message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    """The message, made whole now, so that one that cannot be made fails here (ValueError),
    before anything is sent."""
    message = EmailMultiAlternatives(
        headers={"Message-ID": delivery.message_id or new_message_id()},
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
    message.message().as_bytes()
    return message


def _claim(delivery_id: int) -> EmailDelivery | None:
    """Take the delivery for this worker, or None if another has it or it is done."""
    claimed = EmailDelivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED]
    ).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_by=process_name(),
        claimed_at=timezone.now(),
        handed_over_at=None,
    )
    return EmailDelivery.objects.get(pk=delivery_id) if claimed == 1 else None


class HandOver:
    """Records, just before the message goes to the mail server, that it is going."""

    def __init__(self, delivery: EmailDelivery) -> None:
        self.delivery = delivery
        self.done = False

    def __call__(self) -> None:
        marked = EmailDelivery.objects.filter(
            pk=self.delivery.pk,
            status=DeliveryStatus.SENDING,
            claimed_by=self.delivery.claimed_by,
            claimed_at=self.delivery.claimed_at,
        ).update(handed_over_at=timezone.now())
        if not marked:
            raise ClaimLost(f"email {self.delivery.pk} was taken back before it was sent")
        self.done = True


def _send(message: EmailMultiAlternatives, hand_over: Callable[[], None]) -> None:
    backend = mailers.default
    if not isinstance(backend, SMTPBackend):
        hand_over()
        backend.send_messages([message])
        return
    backend.open()
    try:
        connection = backend.connection
        assert connection is not None  # noqa: S101 (open() raises when it cannot connect)
        send_data = connection.data

        def data(content: Any) -> tuple[int, bytes]:
            # The envelope was accepted; the message itself goes now.
            hand_over()
            return send_data(content)

        connection.data = data  # type: ignore[method-assign,assignment]
        backend.send_messages([message])
    finally:
        backend.close()


@task()
def deliver_email_task(delivery_id: int) -> str:
    """Send one queued email and record the outcome; retried later if the server is down."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    try:
        message = _message(delivery)
    except (ValueError, TypeError, LookupError) as error:
        return _finish(delivery, DeliveryStatus.INVALID, error=f"It could not be made: {error}")
    hand_over = HandOver(delivery)
    try:
        _send(message, hand_over)
    except ClaimLost:
        return "skipped"
    except smtplib.SMTPRecipientsRefused as error:
        return _finish(delivery, DeliveryStatus.REFUSED, error=str(error))
    except RECOVERABLE as error:
        if hand_over.done:  # from the mail backend itself, after the handover
            return _finish(delivery, DeliveryStatus.UNCERTAIN, error=_uncertain(error))
        _release(delivery)  # the handover could not be recorded, so nothing was sent
        raise  # the worker runs the task again when the database answers
    except smtplib.SMTPDataError as error:  # the server answered: it did not take it
        _finish(delivery, DeliveryStatus.FAILED, error=str(error))
        return _retry_later(delivery)
    except ValueError as error:  # an address the backend cannot use
        return _finish(delivery, DeliveryStatus.INVALID, error=f"It could not be sent: {error}")
    except Exception as error:
        if hand_over.done:
            return _finish(delivery, DeliveryStatus.UNCERTAIN, error=_uncertain(error))
        _finish(delivery, DeliveryStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return _retry_later(delivery)
    return _finish(
        delivery, DeliveryStatus.SENT, message_id=str(message.extra_headers["Message-ID"])
    )


def _uncertain(error: Exception) -> str:
    return (
        f"The connection failed after the message was handed to the mail server "
        f"({type(error).__name__}: {error}): it may have been delivered. Ask the recipient "
        "before sending it again."
    )


def _finish(delivery: EmailDelivery, status: str, *, error: str = "", message_id: str = "") -> str:
    fields: dict[str, Any] = {
        "status": status,
        "last_error": error[:2000],
        "sent_at": timezone.now() if status == DeliveryStatus.SENT else None,
    }
    if message_id:
        fields["message_id"] = message_id
    until_the_database_answers(
        lambda: EmailDelivery.objects.filter(pk=delivery.pk).update(**fields),
        what=f"recording email {delivery.pk} as {status}",
    )
    if status != DeliveryStatus.SENT:
        log = (
            logger.error
            if status in {DeliveryStatus.INVALID, DeliveryStatus.UNCERTAIN}
            else logger.warning
        )
        # Ids only: the address and the reason (which may quote it) are on the Email page.
        log("email %s purpose=%s status=%s", delivery.pk, delivery.purpose, status)
    return status


def _release(delivery: EmailDelivery) -> None:
    until_the_database_answers(
        lambda: EmailDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=delivery.claimed_by
        ).update(status=DeliveryStatus.QUEUED, claimed_by=""),
        what=f"putting email {delivery.pk} back in the queue",
    )


def retry_wait(attempts: int) -> timedelta:
    return timedelta(minutes=2**attempts)


def _retry_later(delivery: EmailDelivery) -> str:
    if delivery.attempts < MAX_ATTEMPTS and default_task_backend.supports_defer:
        run_after: datetime = timezone.now() + retry_wait(delivery.attempts)
        deliver_email_task.using(run_after=run_after).enqueue(delivery.pk)
    return DeliveryStatus.FAILED
