"""Work held by a process that died is taken up again by the scheduler (INC-2, LOG-1): a task
left running, an email left "sending". Never sent twice: an email already handed to the mail
server when its sender died is marked "may have been sent" instead."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chaperon.core.email_queue import queue_email
from chaperon.core.heartbeats import beat
from chaperon.core.leases import take_up_abandoned_work
from chaperon.core.models import DeliveryStatus, EmailDelivery, ProcessRole
from tests.mail_support import Mailbox
from tests.task_support import database_tasks, run_ready_tasks  # noqa: F401 (fixture)

pytestmark = [pytest.mark.clause("INC-2"), pytest.mark.clause("LOG-1")]

DEAD = "worker:gone:4242:abcdef"
ALIVE = "worker:here:4343:ghijkl"


def _stuck_in_sending(*, holder: str, handed_over: bool, ago: timedelta) -> EmailDelivery:
    """An email as a worker leaves it when it is killed in the middle of sending it."""
    delivery = queue_email(
        to="guardian@home.example", subject="Alert", text="Open Chaperon.", purpose="test"
    )
    then = timezone.now() - ago
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_by=holder,
        claimed_at=then,
        handed_over_at=then if handed_over else None,
        created_at=then,
    )
    return delivery


@pytest.mark.django_db
def test_an_email_whose_sender_died_before_handing_it_over_is_sent_once(
    smtp_server: Mailbox,
) -> None:
    delivery = _stuck_in_sending(holder=DEAD, handed_over=False, ago=timedelta(minutes=5))
    taken = take_up_abandoned_work(now=timezone.now())
    assert taken.emails_requeued == 1 and taken.emails_given_a_task == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert len(smtp_server.messages) == 1
    assert not take_up_abandoned_work(now=timezone.now())
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_an_email_handed_over_when_its_sender_died_is_marked_uncertain_not_sent_again(
    smtp_server: Mailbox,
) -> None:
    delivery = _stuck_in_sending(holder=DEAD, handed_over=True, ago=timedelta(minutes=5))
    taken = take_up_abandoned_work(now=timezone.now())
    assert taken.emails_uncertain == 1 and taken.emails_given_a_task == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.UNCERTAIN
    assert "may have been delivered" in delivery.last_error
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_an_email_being_sent_by_a_live_worker_is_left_to_it(smtp_server: Mailbox) -> None:
    beat(ALIVE, ProcessRole.WORKER, started_at=timezone.now())
    delivery = _stuck_in_sending(holder=ALIVE, handed_over=False, ago=timedelta(minutes=5))
    assert not take_up_abandoned_work(now=timezone.now())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENDING and delivery.claimed_by == ALIVE
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_queued_email_whose_task_was_lost_is_given_one(smtp_server: Mailbox) -> None:
    delivery = queue_email(to="guardian@home.example", subject="A", text="B", purpose="test")
    # The commit came, the task never did (a process died between the two).
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert take_up_abandoned_work(now=timezone.now()).emails_given_a_task == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_a_task_left_running_by_a_dead_worker_runs_again_and_sends_once(
    smtp_server: Mailbox,
) -> None:
    delivery = queue_email(to="guardian@home.example", subject="A", text="B", purpose="test")
    [queued] = DBTaskResult.objects.all()
    # The worker claimed both and was killed while talking to the mail server.
    long_ago = timezone.now() - timedelta(minutes=5)
    DBTaskResult.objects.filter(pk=queued.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=[DEAD], started_at=long_ago
    )
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_by=DEAD, claimed_at=long_ago
    )
    assert run_ready_tasks() == 0  # nothing ready: it looks as if it were running

    taken = take_up_abandoned_work(now=timezone.now())
    assert taken.tasks == 1 and taken.emails_requeued == 1
    assert taken.emails_given_a_task == 0  # the task put back in the queue will send it
    assert run_ready_tasks() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_a_task_running_in_a_live_worker_is_left_to_it() -> None:
    queue_email(to="guardian@home.example", subject="A", text="B", purpose="test")
    beat(ALIVE, ProcessRole.WORKER, started_at=timezone.now())
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[ALIVE],
        started_at=timezone.now() - timedelta(hours=1),
    )
    assert take_up_abandoned_work(now=timezone.now()).tasks == 0
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
