"""The overview: per learner and per year or group, which consents are in place, missing,
declined, withdrawn or expiring; and requests sent in bulk."""

from datetime import date, timedelta

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import services
from chaperon.consent.models import Consent, ConsentRequest, RequestStatus
from chaperon.consent.selectors import group_overview_for
from chaperon.people.models import Learner
from tests import factories
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

from .helpers import (
    ALL_PURPOSES,
    agree_to_all_but,
    answer_token,
    audit_since,
    clock_moved,
    form_data,
    last_seq,
    send_request,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-9")]


def _pupil(cast: Cast, name: str, *, email: str | None = None) -> Learner:
    learner = factories.learner(cast.organisation, first_name=name, year_group="Year 8")
    if email is None:
        factories.guardian(cast.organisation, of=learner)
    else:
        factories.guardian(cast.organisation, of=learner, email=email)
    return learner


def _answer(cast: Cast, learner: Learner, answers: dict[str, str]) -> None:
    consent_request = send_request(cast.teacher, learner)
    assert (
        Client()
        .post(f"/consent/r/{answer_token(consent_request)}/", form_data(answers))
        .status_code
        == 302
    )


def test_the_group_page_shows_each_state(cast: Cast) -> None:
    agreed = _pupil(cast, "Ava")
    declined = _pupil(cast, "Ben")
    _pupil(cast, "Cal")
    _answer(cast, agreed, agree_to_all_but())
    _answer(cast, declined, agree_to_all_but("recording"))
    services.consent_withdraw(
        actor=cast.dsl,
        learner=agreed,
        purposes=["images"],
        withdrawn_by_name="A parent",
        channel="email_reply",
        reason="No photographs",
    )
    rows = {
        row.learner.first_name: row for row in group_overview_for(cast.teacher, year_group="Year 8")
    }
    states = {name: {s.purpose: s.status for s in row.statuses} for name, row in rows.items()}
    assert states["Ava"]["images"] == "withdrawn"
    assert states["Ava"]["recording"] == "given"
    assert states["Ben"]["recording"] == "declined"
    assert set(states["Cal"].values()) == {"missing"}
    assert rows["Cal"].latest_request is None
    assert rows["Ava"].latest_request is not None and rows["Ava"].latest_request.state == "answered"

    page = signed_in(cast.teacher).get("/consent/groups/", {"year_group": "Year 8"})
    body = page.content.decode()
    assert page.status_code == 200
    for label in ("Given", "Declined", "Withdrawn", "Missing"):
        assert f">{label}</span>" in body
    assert "None sent" in body


def test_consent_about_to_end_shows_as_expiring_then_expired(cast: Cast) -> None:
    learner = _pupil(cast, "Dee")
    _answer(cast, learner, agree_to_all_but())
    valid_until = Consent.objects.filter(learner=learner).first().valid_until  # type: ignore[union-attr]
    assert valid_until is not None
    days_left = (valid_until - date.today()).days
    with clock_moved(timedelta(days=days_left - 40)):
        [row] = group_overview_for(cast.teacher, year_group="Year 8")
        assert {s.status for s in row.statuses} == {"given"}
    with clock_moved(timedelta(days=days_left - 10)):
        [row] = group_overview_for(cast.teacher, year_group="Year 8")
        assert {s.status for s in row.statuses} == {"expiring"}
        page = signed_in(cast.teacher).get(f"/consent/learners/{learner.pk}/")
        assert "Given, expiring soon" in page.content.decode()
    with clock_moved(timedelta(days=days_left + 2)):
        [row] = group_overview_for(cast.teacher, year_group="Year 8")
        assert {s.status for s in row.statuses} == {"expired"}


def test_an_unanswered_request_shows_as_expired_once_its_link_has(cast: Cast) -> None:
    learner = _pupil(cast, "Eli")
    send_request(cast.teacher, learner)
    with clock_moved(timedelta(days=15)):
        [row] = group_overview_for(cast.teacher, year_group="Year 8")
    assert row.latest_request is not None
    assert row.latest_request.label == "Link expired without an answer: send a new request"


@pytest.mark.parametrize("pupils", [2, 7])
def test_the_group_overview_takes_the_same_queries_however_many_learners(
    cast: Cast, pupils: int, django_assert_num_queries
) -> None:
    for number in range(pupils):
        learner = _pupil(cast, f"Pupil{number}")
        _answer(cast, learner, agree_to_all_but("images"))
    viewer = cast.teacher
    viewer.organisation  # noqa: B018 (loaded once per request by the middleware)
    viewer.roles  # noqa: B018
    with django_assert_num_queries(4):
        rows = group_overview_for(viewer, year_group="Year 8")
    assert len(rows) == pupils


def test_requests_are_sent_in_bulk_and_those_that_cannot_be_are_listed(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    emailed = _pupil(cast, "Fay")
    no_email = _pupil(cast, "Gus", email="")
    adult = factories.learner(
        cast.organisation, first_name="Hal", year_group="Year 8", date_of_birth=date(2000, 2, 2)
    )
    nobody = factories.learner(cast.organisation, first_name="Ivy", year_group="Year 8")
    since = last_seq()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.teacher).post(
            "/consent/groups/send/",
            {
                "year_group": "Year 8",
                "learners": [emailed.pk, no_email.pk, adult.pk, nobody.pk],
                "purposes": ["live_group", "recording"],
            },
            follow=True,
        )
    body = response.content.decode()
    assert "1 consent request being emailed: " in body
    assert "has no email address, so nothing was sent" in body
    assert f"{adult.full_name}: not asked" in body and "give their own email address" in body
    assert f"{nobody.full_name}: not asked" in body
    statuses = dict(ConsentRequest.objects.values_list("learner_id", "status"))
    assert statuses == {
        emailed.pk: RequestStatus.AWAITING,
        no_email.pk: RequestStatus.NEEDS_OTHER_CHANNEL,
    }
    assert len(smtp_server.messages) == 1
    assert len(audit_since(since, AuditAction.CONSENT_REQUEST_SENT)) == 1


def test_bulk_sending_ignores_learners_of_another_organisation(cast: Cast) -> None:
    mine = _pupil(cast, "Jay")
    response = signed_in(cast.teacher).post(
        "/consent/groups/send/",
        {
            "year_group": "Year 8",
            "learners": [mine.pk, cast.outsider_learner.pk],
            "purposes": ALL_PURPOSES,
        },
    )
    assert response.status_code == 302
    assert not ConsentRequest.objects.exists()  # the form refused the choice outright


def test_the_learner_page_shows_requests_and_evidence_and_its_reading_is_audited(
    cast: Cast,
) -> None:
    _answer(cast, cast.learner, agree_to_all_but("recording"))
    since = last_seq()
    page = signed_in(cast.slt).get(f"/consent/learners/{cast.learner.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Consent: Robin Alder" in body
    assert "Answered" in body and "Morgan Alder" in body
    assert "Tuesday, Thursday 16:00 to 17:00" in body
    assert "Record consent given another way" not in body  # senior leaders send, not record
    [viewed] = audit_since(since, AuditAction.CONSENT_RECORD_VIEWED)
    assert (viewed.actor_id, viewed.object_id) == (cast.slt.pk, str(cast.learner.pk))
