"""One policy check and write at a time per learner (SES-2).

The weekly limit counts a learner's other sessions: two bookings judged at the same moment
would each see none and both be booked. So every service that judges a session and then
writes it (booking, moving, changing, approving an exception) takes these locks first,
inside its transaction, and judges only once it holds them. Locks are always taken in the
same order, so that two services never wait on each other: the session, then its
exceptions, then the learners by primary key, then (last write of each service) the audit
chain's head.

PostgreSQL: row locks (``SELECT ... FOR UPDATE``) on the learners' rows. A second booking for
the same learner waits until the first commits, then judges with it in view (each statement
at READ COMMITTED sees what committed before it).

SQLite has no row locks, but every transaction begins ``IMMEDIATE`` (the database settings'
``transaction_mode``): it takes the database's write lock before its first read, so writers
run one after another and ``select_for_update`` is not needed there.

No rule of the policy counts a member of staff's sessions, so staff rows are not locked; a
rule that did would lock them here, after the learners.
"""

from collections.abc import Iterable

from django.db import connection

from chaperon.people.models import Learner


def lock_learners(learner_ids: Iterable[int]) -> None:
    """Hold the learners' rows until the surrounding transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_learners must be called inside transaction.atomic()")
    ids = sorted(set(learner_ids))
    if ids:
        locked = Learner.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        list(locked.values_list("pk", flat=True))
