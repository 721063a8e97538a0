"""Wrong passwords sent at the same moment get no more tries between them than the limit."""

import threading

import pytest
from django.db import connection
from django.test import Client, override_settings

from chaperon.accounts.backends import EmailBackend
from chaperon.accounts.models import SignInCounter
from chaperon.accounts.services import account_key
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from tests import factories
from tests.conftest import Cast

pytestmark = pytest.mark.clause("LOG-2")

LIMIT = 3
SENDERS = 10
WAIT_SECONDS = 60  # a bound, never reached unless something is broken


class _Gate:
    """Holds every password check until all senders have either reached one or been answered
    without one, so that every try is in flight at once (the worst case for a limit that is
    checked and counted in separate steps)."""

    def __init__(self, senders: int) -> None:
        self.senders = senders
        self.checking = 0
        self.answered_locked = 0
        self.condition = threading.Condition()

    def _all_arrived(self) -> bool:
        return self.checking + self.answered_locked >= self.senders

    def reached_check(self) -> None:
        with self.condition:
            self.checking += 1
            self.condition.notify_all()
            self.condition.wait_for(self._all_arrived, timeout=WAIT_SECONDS)

    def locked_out(self) -> None:
        with self.condition:
            self.answered_locked += 1
            self.condition.notify_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(SIGN_IN_MAX_FAILURES=LIMIT)
def test_parallel_wrong_passwords_get_no_more_tries_than_the_limit(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL")
    gate = _Gate(SENDERS)
    check = EmailBackend.authenticate

    def held_check(self, request, username=None, password=None, **kwargs):
        gate.reached_check()
        return check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(EmailBackend, "authenticate", held_check)
    answers: list[str] = []
    start = threading.Barrier(SENDERS, timeout=WAIT_SECONDS)

    def send() -> None:
        try:
            start.wait()
            response = Client().post(
                "/accounts/sign-in/", {"email": cast.teacher.email, "password": "wrong guess"}
            )
            body = response.content.decode()
            if "Too many attempts" in body:
                gate.locked_out()
                answers.append("locked")
            elif "do not match an account" in body:
                answers.append("refused")
            else:
                answers.append(f"unexpected {response.status_code}")
        finally:
            connection.close()

    senders = [threading.Thread(target=send) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=WAIT_SECONDS * 2)

    assert sorted(answers) == ["locked"] * (SENDERS - LIMIT) + ["refused"] * LIMIT
    failures = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert failures.count() == LIMIT
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LOCKED).count() == 1
    assert SignInCounter.objects.get(key=account_key(cast.teacher.email)).tries == LIMIT
    # Locked for the right password too, until the window ends.
    right = Client().post(
        "/accounts/sign-in/", {"email": cast.teacher.email, "password": factories.PASSWORD}
    )
    assert "Too many attempts" in right.content.decode()


@override_settings(SIGN_IN_MAX_FAILURES=LIMIT)
def test_a_right_password_gives_its_try_back(cast: Cast) -> None:
    """A try is counted before the password is checked; a right one is not a failure."""
    for _ in range(LIMIT - 1):
        Client().post("/accounts/sign-in/", {"email": cast.dsl.email, "password": "wrong"})
    # The DSL's password is right; the second factor is still to come.
    response = Client().post(
        "/accounts/sign-in/", {"email": cast.dsl.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == "/accounts/second-factor/"
    assert SignInCounter.objects.get(key=account_key(cast.dsl.email)).tries == LIMIT - 1
    # One more wrong password locks: it is the last try, not one past it.
    Client().post("/accounts/sign-in/", {"email": cast.dsl.email, "password": "wrong"})
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LOCKED).count() == 1
    again = Client().post(
        "/accounts/sign-in/", {"email": cast.dsl.email, "password": factories.PASSWORD}
    )
    assert "Too many attempts" in again.content.decode()
