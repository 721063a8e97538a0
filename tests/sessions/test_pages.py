"""The session pages: who may see and do what, and the booking form's answers."""

import pytest
from django.test import Client

from chaperon.audit.models import AuditEvent
from chaperon.sessions import services
from chaperon.sessions.models import Session, SessionStatus
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import LONDON, consent_for, next_weekday_at, one_to_one

EVERYONE = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin", "outsider"]
BOOKERS = {"dsl", "deputy", "slt", "teacher", "teacher2"}
OVERSEERS = {"dsl", "deputy", "slt"}


def _client(cast: Cast, name: str) -> Client:
    return Client() if name == "anonymous" else signed_in(cast.user(name))


def _booked(cast: Cast) -> Session:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.session is not None
    return result.session


def _form(cast: Cast, **changes: object) -> dict[str, object]:
    start = next_weekday_at(10)
    form: dict[str, object] = {
        "kind": "one_to_one",
        "title": "Careers conversation",
        "day": start.date().isoformat(),
        "start_time": "10:00",
        "duration_minutes": "40",
        "learners": [cast.learner.pk],
        "named_adult": "Morgan Alder",
        "taking_part": "video",
        "conversation_plan": "Careers options and next steps.",
        "crisis_plan": "Call the DSL; the named adult stays near.",
        "guardians_may_drop_in": "on",
        "platform": "builtin",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("name", EVERYONE)
def test_session_page_is_for_those_in_it_or_overseeing(cast: Cast, name: str) -> None:
    session = _booked(cast)
    response = _client(cast, name).get(f"/sessions/{session.pk}/")
    sees = name in OVERSEERS or name == "teacher"
    assert response.status_code == (200 if sees else 404)
    if sees:
        body = response.content.decode()
        assert "Careers" in body and "Robin Alder" in body


@pytest.mark.parametrize("name", EVERYONE)
def test_the_booking_page_is_for_those_who_book(cast: Cast, name: str) -> None:
    response = _client(cast, name).get("/sessions/book/")
    assert response.status_code == (200 if name in BOOKERS or name == "outsider" else 404)


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    for path in ["/sessions/", "/sessions/book/", "/policy/", "/policy/edit/"]:
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_a_teacher_books_through_the_page(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    response = signed_in(cast.teacher).post("/sessions/book/", _form(cast))
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert session.status == SessionStatus.BOOKED
    assert session.start.astimezone(LONDON).hour == 10
    assert list(session.staff.all()) == [cast.teacher]


def test_the_page_shows_every_finding_with_its_clause_and_fix_and_books_nothing(
    cast: Cast,
) -> None:
    events = AuditEvent.objects.count()
    response = signed_in(cast.teacher).post(
        "/sessions/book/", _form(cast, kind="group", named_adult="")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This session cannot be booked" in body
    assert "SES-4" in body and "Add a second member of staff." in body
    assert "SES-9" in body  # no consent recorded yet
    assert not Session.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_long_session_asks_for_the_reason_then_waits_for_approval(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    client = signed_in(cast.teacher)
    first = client.post("/sessions/book/", _form(cast, duration_minutes="60"))
    assert "This session needs an exception" in first.content.decode()
    assert 'name="exception_reason"' in first.content.decode()
    assert not Session.objects.exists()
    asked = client.post(
        "/sessions/book/", _form(cast, duration_minutes="60", exception_reason="Interpreter")
    )
    session = Session.objects.get()
    assert asked["Location"] == f"/sessions/{session.pk}/"
    assert session.status == SessionStatus.AWAITING_EXCEPTION
    page = signed_in(cast.slt).get(f"/sessions/{session.pk}/").content.decode()
    assert "Approve" in page and "Interpreter" in page
    decided = signed_in(cast.slt).post(
        f"/sessions/exceptions/{session.exceptions.get().pk}/decide/",
        {"decision": "approve", "reason": "Agreed"},
    )
    assert decided.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED


@pytest.mark.parametrize("name", ["teacher", "dsl", "outsider"])
def test_only_the_policys_approvers_decide_exceptions(cast: Cast, name: str) -> None:
    consent_for(cast.learner, cast.dsl)
    asked = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(cast, duration_minutes=60),
        title="Careers",
        exception_reason="Interpreter",
    )
    assert asked.session is not None
    exception = asked.session.exceptions.get()
    response = _client(cast, name).post(
        f"/sessions/exceptions/{exception.pk}/decide/", {"decision": "approve", "reason": "ok"}
    )
    exception.refresh_from_db()
    if name == "dsl":
        assert exception.status == "approved"
    else:
        assert response.status_code == (404 if name == "outsider" else 403)
        assert exception.status == "pending"


def test_the_dashboard_lists_flagged_sessions(cast: Cast) -> None:
    session = _booked(cast)
    Session.objects.filter(pk=session.pk).update(flagged=True)
    body = signed_in(cast.teacher).get("/dashboard/").content.decode()
    assert "Sessions no longer allowed" in body and f"/sessions/{session.pk}/" in body
    assert (
        "Sessions no longer allowed" not in signed_in(cast.ict).get("/dashboard/").content.decode()
    )
