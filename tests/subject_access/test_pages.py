"""The subject access pages: who may open them, the list with its deadlines, a page at a
time, the person found by searching, and the released export downloaded again."""

from datetime import timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.subject_access import services
from chaperon.subject_access.models import SubjectAccessRequest
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import SIBLING, a_learner_with_a_history, decide_all, started, unzipped

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-7"), pytest.mark.clause("LOG-2")]


@pytest.mark.parametrize(
    ("who", "status"),
    [("dsl", 200), ("deputy", 200), ("teacher", 403), ("slt", 403), ("admin", 403)],
)
def test_who_may_open_the_list(cast: Cast, who: str, status: int) -> None:
    assert signed_in(cast.user(who)).get("/subject-access/").status_code == status


def test_the_list_asks_a_visitor_to_sign_in(cast: Cast) -> None:
    from django.test import Client

    response = Client().get("/subject-access/")
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/subject-access/")
    assert not AuditEvent.objects.filter(action=AuditAction.SUBJECT_ACCESS_LIST_VIEWED).exists()


def test_another_organisations_dsl_cannot_open_a_request(cast: Cast) -> None:
    request = started(cast)
    outsider = signed_in(cast.outsider)
    assert outsider.get(f"/subject-access/{request.pk}/").status_code == 404
    assert outsider.post(f"/subject-access/{request.pk}/prepare/").status_code == 404
    assert SubjectAccessRequest.objects.get().prepared_at is None


def test_the_list_shows_days_left_and_overdue_a_page_at_a_time(cast: Cast) -> None:
    today = cast.organisation.today()
    started(cast, received_on=today - timedelta(days=40))
    for _ in range(25):
        started(cast, received_on=today)
    dsl = signed_in(cast.dsl)

    first = dsl.get("/subject-access/").content.decode()
    second = dsl.get("/subject-access/?page=2").content.decode()

    assert "Overdue by" in first, "the oldest, due first, shows first"
    assert first.count("Robin Alder") == 25
    assert second.count("Robin Alder") == 1
    assert "days left" in second
    assert AuditEvent.objects.filter(action=AuditAction.SUBJECT_ACCESS_LIST_VIEWED).count() == 2


def test_starting_a_request_finds_the_person_by_searching(cast: Cast) -> None:
    for number in range(30):
        factories.learner(cast.organisation, first_name="Someone", last_name=f"Else{number}")
    dsl = signed_in(cast.dsl)

    blank = dsl.get("/subject-access/new/").content.decode()
    assert "Else1" not in blank, "nobody listed before a search"
    found = dsl.post(
        "/subject-access/new/",
        {"learner-search": "Robin", "search": "learner", "received_on": "2026-01-01"},
    ).content.decode()
    assert "Robin Alder" in found and "Else1" not in found

    today = cast.organisation.today()
    made = dsl.post(
        "/subject-access/new/",
        {"learner": str(cast.learner.pk), "received_on": today.isoformat()},
    )
    request = SubjectAccessRequest.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/subject-access/{request.pk}/"
    assert request.learner == cast.learner


def test_starting_without_a_person_says_which_field_to_fix(cast: Cast) -> None:
    response = signed_in(cast.dsl).post(
        "/subject-access/new/", {"received_on": cast.organisation.today().isoformat()}
    )
    assert response.status_code == 400
    assert "choose one person" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_the_released_export_downloads_again_as_it_was_released(cast: Cast) -> None:
    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    dsl = signed_in(cast.dsl)
    assert dsl.get(f"/subject-access/{request.pk}/export.zip").status_code == 404
    decide_all(cast, request, withhold=SIBLING)
    released = dsl.post(f"/subject-access/{request.pk}/release/", {"confirm": "on"})
    assert released.status_code == 302

    first = dsl.get(f"/subject-access/{request.pk}/export.zip")
    again = dsl.get(f"/subject-access/{request.pk}/export.zip")

    assert first["Content-Type"] == "application/zip"
    assert first.content == again.content
    assert SIBLING not in "".join(unzipped(first.content).values())
    assert AuditEvent.objects.filter(action=AuditAction.SUBJECT_ACCESS_DOWNLOADED).count() == 2
    page = dsl.get(f"/subject-access/{request.pk}/").content.decode()
    assert "Download the released export" in page and "Save the decision" not in page
