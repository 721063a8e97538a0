"""Taking up work whose holder died (run by the scheduler every time it looks).

- A task left RUNNING by a worker whose heartbeat is older than ``TASK_LEASE_SECONDS`` (killed,
  its machine gone) is made READY again: tasks are idempotent, so running one again is safe.
- An email left ``sending`` by such a worker is queued again if the message had not yet been
  handed to the mail server, or marked ``uncertain`` (it may have been delivered) if it had:
  never sent twice (see ``chaperon.core.tasks``).
- An email queued with no task waiting for it (its task failed on a locked database, or was
  enqueued after a commit by a process that died) gets one; so does a failed one whose retry
  was lost. Sending is claimed with a conditional UPDATE, so a spare task does no harm.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.tasks import TaskResultStatus

from .heartbeats import holder_gone
from .models import DeliveryStatus, EmailDelivery
from .taskqueue import pending_first_arguments, uses_database_tasks
from .tasks import MAX_ATTEMPTS, deliver_email_task, retry_wait

logger = logging.getLogger(__name__)

# A queued email this old with no task for it is given one.
QUEUED_GRACE = timedelta(seconds=30)
# At most this many emails are given a task at each look (the rest at the next).
SWEEP_BATCH = 500


@dataclass(frozen=True)
class TakenUp:
    tasks: int
    emails_requeued: int
    emails_uncertain: int
    emails_given_a_task: int

    def __bool__(self) -> bool:
        return any(
            (self.tasks, self.emails_requeued, self.emails_uncertain, self.emails_given_a_task)
        )


def take_up_abandoned_work(*, now: datetime) -> TakenUp:
    tasks = requeue_abandoned_tasks(now=now)
    requeued, uncertain = recover_sending_email(now=now)
    given = give_waiting_email_a_task(now=now)
    return TakenUp(tasks, requeued, uncertain, given)


def requeue_abandoned_tasks(*, now: datetime) -> int:
    if not uses_database_tasks():
        return 0
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "pk", "task_path", "worker_ids", "started_at"
    )
    requeued = 0
    for pk, path, worker_ids, started_at in running:
        holder = worker_ids[-1] if worker_ids else ""
        if not holder_gone(holder, started_at, now=now):
            continue
        if DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY):
            logger.warning("task %s (%s) was left running by %s: queued again", pk, path, holder)
            requeued += 1
    return requeued


def recover_sending_email(*, now: datetime) -> tuple[int, int]:
    """Emails whose sender died: (queued again, marked uncertain)."""
    requeued = uncertain = 0
    sending = EmailDelivery.objects.filter(status=DeliveryStatus.SENDING).values_list(
        "pk", "claimed_by", "claimed_at", "handed_over_at"
    )
    for pk, holder, claimed_at, handed_over_at in sending:
        if not holder_gone(holder, claimed_at, now=now):
            continue
        still_held = EmailDelivery.objects.filter(
            pk=pk, status=DeliveryStatus.SENDING, claimed_by=holder, claimed_at=claimed_at
        )
        if handed_over_at is None:
            requeued += still_held.update(status=DeliveryStatus.QUEUED, claimed_by="")
            continue
        if still_held.update(status=DeliveryStatus.UNCERTAIN, last_error=UNCERTAIN_REASON):
            logger.error("email %s: its sender stopped during the handover (%s)", pk, holder)
            uncertain += 1
    return requeued, uncertain


UNCERTAIN_REASON = (
    "The sender stopped after handing the message to the mail server and before hearing back: "
    "it may have been delivered. Ask the recipient before sending it again."
)


def give_waiting_email_a_task(*, now: datetime) -> int:
    waiting = Q(status=DeliveryStatus.QUEUED, created_at__lt=now - QUEUED_GRACE) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - QUEUED_GRACE)
    )
    for attempts in range(1, MAX_ATTEMPTS):
        waiting |= Q(
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            claimed_at__lt=now - retry_wait(attempts) - QUEUED_GRACE,
        )
    candidates = list(
        EmailDelivery.objects.filter(waiting)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if not candidates:
        return 0
    pending = pending_first_arguments(deliver_email_task)
    given = [pk for pk in candidates if pk not in pending]
    for pk in given:
        deliver_email_task.enqueue(pk)
    if given:
        logger.warning("%s queued email had no task waiting for it: given one", len(given))
    return len(given)
