"""A sender with no receipt five school days after sending is reminded, once; not before,
and not for a file received (INC-8)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.models import EmailDelivery
from chaperon.core.scheduling import registered
from chaperon.transfers import services
from chaperon.transfers.models import Transfer, TransferStatus
from chaperon.transfers.schooldays import receipt_due
from chaperon.transfers.tasks import remind_unreceived_transfers_task
from tests.conftest import Cast

from .helpers import file_with_history

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-8")]

LONDON = ZoneInfo("Europe/London")
# A Monday at 10:00 in London; five school days later is the next Monday at 10:00.
SENT = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def _sent_on_monday(cast: Cast) -> Transfer:
    file_with_history(cast)
    sealed = services.transfer_send_package(
        actor=cast.dsl, learner_id=cast.learner.pk, receiving_school="Alder Grove High"
    )
    Transfer.objects.filter(pk=sealed.transfer.pk).update(sent_at=SENT)
    return Transfer.objects.get(pk=sealed.transfer.pk)


def _reminders() -> list[EmailDelivery]:
    return list(EmailDelivery.objects.filter(subject__startswith="No receipt yet"))


def test_five_school_days_skip_the_weekend(cast: Cast) -> None:
    assert receipt_due(cast.organisation, SENT) == datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=LONDON)
    assert receipt_due(cast.organisation, friday) == datetime(2026, 3, 13, 15, 0, tzinfo=LONDON)


def test_the_sender_is_reminded_after_five_school_days_and_not_before(cast: Cast) -> None:
    transfer = _sent_on_monday(cast)

    assert (
        services.transfers_remind_unreceived(now=datetime(2026, 3, 9, 9, 59, tzinfo=LONDON)) == []
    )
    assert _reminders() == []

    reminded = services.transfers_remind_unreceived(now=datetime(2026, 3, 9, 10, 0, tzinfo=LONDON))

    assert reminded == [transfer.pk]
    [email] = _reminders()
    assert email.to == cast.dsl.email
    assert "Alder Grove High" in email.text and cast.learner.first_name not in email.text
    assert AuditEvent.objects.filter(action=AuditAction.TRANSFER_REMINDER_SENT).count() == 1


def test_the_reminder_is_sent_once(cast: Cast) -> None:
    _sent_on_monday(cast)
    later = datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)
    services.transfers_remind_unreceived(now=later)

    assert services.transfers_remind_unreceived(now=later) == []
    assert services.transfers_remind_unreceived(now=datetime(2026, 4, 1, tzinfo=LONDON)) == []
    assert len(_reminders()) == 1


def test_a_received_file_brings_no_reminder(cast: Cast) -> None:
    transfer = _sent_on_monday(cast)
    Transfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.RECEIVED)

    assert services.transfers_remind_unreceived(now=datetime(2026, 3, 20, tzinfo=LONDON)) == []
    assert _reminders() == []


def test_the_reminder_runs_on_the_schedule() -> None:
    assert any(periodic.task == remind_unreceived_transfers_task for periodic in registered())
