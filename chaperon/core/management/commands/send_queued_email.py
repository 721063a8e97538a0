from typing import Any

from django.core.management.base import BaseCommand

from chaperon.core.models import DeliveryStatus, EmailDelivery
from chaperon.core.tasks import deliver_email_task


class Command(BaseCommand):
    help = "Send email left queued (for example after a crash between saving and sending)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = EmailDelivery.objects.filter(status=DeliveryStatus.QUEUED).values_list(
            "pk", flat=True
        )
        outcomes = [deliver_email_task.call(delivery_id) for delivery_id in queued]
        self.stdout.write(f"{len(outcomes)} queued email handled: {outcomes.count('sent')} sent")
