"""The weekly limit holds when bookings, moves and decisions arrive at the same moment (SES-2),
on both databases: real threads, each with its own connection, started together.

PostgreSQL serialises them with row locks on the learners; SQLite with its write lock, taken
when each transaction begins. Every thread is joined with a generous bound; nothing sleeps.
"""

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

import pytest
from django.db import connection

from chaperon.core.exceptions import ChaperonError
from chaperon.core.models import EmailDelivery
from chaperon.sessions import services
from chaperon.sessions.models import ExceptionStatus, Session, SessionStatus
from tests.conftest import Cast
from tests.sessions.helpers import consent_for, next_weekday_at, one_to_one

PARALLEL = 4
JOIN_SECONDS = 120


def at_once[T](calls: Sequence[Callable[[], T]]) -> list[T | ChaperonError]:
    """Run each call in its own thread, all released together; their results (or the
    refusal each raised), in order."""
    start = threading.Barrier(len(calls), timeout=JOIN_SECONDS)
    results: list[T | ChaperonError | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            start.wait()
            results[index] = call()
        except ChaperonError as refusal:
            results[index] = refusal
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert not failures, failures
    return [result for result in results if result is not None]


def same_week(count: int) -> list[datetime]:
    """``count`` (at most five) weekday mornings of one coming week, inside the agreed times."""
    monday = next_weekday_at(10, weekday=0)
    return [monday + timedelta(days=day) for day in range(count)]


def invitations_sent() -> int:
    return EmailDelivery.objects.filter(purpose="session_invitation").count()


@pytest.mark.clause("SES-2")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_for_one_learner_and_week_book_exactly_one(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    booking = [
        partial(
            services.session_book,
            actor=cast.teacher,
            proposal=one_to_one(cast, start=start),
            title="Careers",
        )
        for start in same_week(PARALLEL)
    ]
    results = at_once(booking)

    assert all(isinstance(result, services.BookingResult) for result in results)
    booked = [r for r in results if isinstance(r, services.BookingResult) and r.booked]
    refused = [r for r in results if isinstance(r, services.BookingResult) and r.session is None]
    assert len(booked) == 1 and len(refused) == PARALLEL - 1
    for result in refused:
        assert "frequency.weekly" in {finding.rule for finding in result.verdict.findings}
    assert Session.objects.count() == 1
    assert not Session.objects.filter(flagged=True).exists()
    # One set of invitations: the teacher and the learner's parent, once.
    assert invitations_sent() == 2


@pytest.mark.clause("SES-2")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_with_a_reason_book_one_and_ask_for_the_others(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    booking = [
        partial(
            services.session_book,
            actor=cast.teacher,
            proposal=one_to_one(cast, start=start),
            title="Careers",
            exception_reason="Exam week: the family asked for extra support",
        )
        for start in same_week(PARALLEL)
    ]
    at_once(booking)

    statuses = sorted(Session.objects.values_list("status", flat=True))
    assert statuses == [SessionStatus.AWAITING_EXCEPTION] * (PARALLEL - 1) + [SessionStatus.BOOKED]
    for waiting in Session.objects.filter(status=SessionStatus.AWAITING_EXCEPTION):
        assert "frequency.weekly" in waiting.exceptions.get().covers
    assert invitations_sent() == 2


@pytest.mark.clause("SES-2")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sessions_moved_into_one_week_at_once_move_only_one(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    first, second = (
        services.session_book(
            actor=cast.teacher,
            proposal=one_to_one(cast, start=next_weekday_at(10, weekday=1, weeks=weeks)),
            title=title,
        ).session
        for weeks, title in ((1, "One"), (2, "Two"))
    )
    assert first is not None and second is not None
    monday = next_weekday_at(10, weekday=0, weeks=4)
    moves = [
        partial(
            services.session_reschedule,
            actor=cast.teacher,
            session=session,
            start=start,
            duration_minutes=40,
        )
        for session, start in ((first, monday), (second, monday + timedelta(days=2)))
    ]
    results = at_once(moves)

    moved = [r for r in results if isinstance(r, services.BookingResult) and r.session]
    assert len(moved) == 1
    starts = sorted(Session.objects.values_list("start", flat=True))
    in_that_week = [start for start in starts if monday <= start < monday + timedelta(days=7)]
    assert len(in_that_week) == 1
    assert EmailDelivery.objects.filter(purpose="session_update").count() == 2


@pytest.mark.clause("SES-2")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_cancellation_at_once_leave_the_session_cancelled(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    asked = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(cast, duration_minutes=55),
        title="Careers",
        exception_reason="Interpreter present",
    ).session
    assert asked is not None
    exception = asked.exceptions.get()
    results = at_once(
        [
            lambda: services.session_exception_decide(
                actor=cast.slt, exception=exception, approve=True, reason="Agreed"
            ),
            lambda: services.session_cancel(actor=cast.teacher, session=asked, reason="Unwell"),
        ]
    )

    asked.refresh_from_db()
    exception.refresh_from_db()
    assert asked.status == SessionStatus.CANCELLED
    if isinstance(results[0], ChaperonError):  # the cancellation came first
        assert exception.status == ExceptionStatus.WITHDRAWN
        assert invitations_sent() == 0
    else:  # the approval came first: everyone was invited, then told of the cancellation
        assert exception.status == ExceptionStatus.APPROVED
        assert invitations_sent() == 2
        assert EmailDelivery.objects.filter(purpose="session_cancelled").count() == 2
