"""The consent overview of a year or group a page at a time: each learner's latest request
only, the counts by purpose from the database, within the viewer's organisation (SES-9)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chaperon.consent.models import ConsentRequest, RequestStatus
from chaperon.consent.selectors import group_overview_for, group_summary_for
from chaperon.core.pagination import PER_PAGE
from chaperon.people.models import Learner, Organisation, StaffMember, User
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import agree_to_all_but, clock_moved, send_request
from .test_overview import _answer, _pupil

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-9")]


def _learners(organisation: Organisation, count: int, *, prefix: str = "Pupil") -> None:
    Learner.objects.bulk_create(
        Learner(
            organisation=organisation,
            first_name=f"{prefix}{index:04d}",
            last_name="Many",
            date_of_birth=date(2012, 1, 1),
            year_group="Year 8",
        )
        for index in range(count)
    )


def _rows(body: str) -> int:
    return body.count('<th scope="row"><a href="/consent/learners/')


def test_a_group_comes_a_page_at_a_time(cast: Cast) -> None:
    _learners(cast.organisation, PER_PAGE + 4)
    client = signed_in(cast.teacher)
    first = client.get("/consent/groups/", {"year_group": "Year 8"}).content.decode()
    assert f"{PER_PAGE + 4} learners in Year 8: page 1 of 2" in first
    assert _rows(first) == PER_PAGE and first.count('name="learners"') == PER_PAGE
    assert 'href="?year_group=Year+8&amp;page=2" rel="next"' in first
    last = client.get("/consent/groups/", {"year_group": "Year 8", "page": "2"}).content.decode()
    assert _rows(last) == 4 and "Pupil0053" in last
    beyond = client.get("/consent/groups/", {"year_group": "Year 8", "page": "9"}).content
    assert _rows(beyond.decode()) == 4
    assert _rows(client.get("/consent/groups/?year_group=Year+8&page=z").content.decode()) == 50
    # The counts at a glance are for the whole group, not the page.
    assert f"<td>{PER_PAGE + 4}</td>" in first


def test_only_the_latest_request_of_each_learner_is_shown(cast: Cast) -> None:
    learner = _pupil(cast, "Kit")
    first = send_request(cast.teacher, learner)
    with clock_moved(timedelta(minutes=5)):
        second = send_request(cast.teacher, learner, purposes=["live_group"])
    ConsentRequest.objects.filter(pk=first.pk).update(status=RequestStatus.ANSWERED)
    [row] = group_overview_for(cast.teacher, year_group="Year 8")
    assert row.latest_request is not None and row.latest_request.request.pk == second.pk
    ConsentRequest.objects.filter(pk=second.pk).update(status=RequestStatus.SUPERSEDED)
    [row] = group_overview_for(cast.teacher, year_group="Year 8")
    assert row.latest_request is not None and row.latest_request.request.pk == first.pk


def test_the_counts_agree_with_each_learners_states(cast: Cast) -> None:
    _answer(cast, _pupil(cast, "Ava"), agree_to_all_but())
    _answer(cast, _pupil(cast, "Ben"), agree_to_all_but("recording"))
    _pupil(cast, "Cal")
    for moved in (0, 320, 400):  # given; then expiring; then expired (a year's consent)
        with clock_moved(timedelta(days=moved)):
            rows = group_overview_for(cast.teacher, year_group="Year 8")
            summary = group_summary_for(cast.teacher, year_group="Year 8")
        for index, line in enumerate(summary):
            expected: dict[str, int] = {}
            for row in rows:
                status = row.statuses[index].status
                expected[status] = expected.get(status, 0) + 1
            assert {k: v for k, v in line.counts.items() if v} == expected


def test_another_organisations_learners_never_show(cast: Cast) -> None:
    factories.learner(cast.other_organisation, first_name="Jamie", year_group="Year 8")
    _pupil(cast, "Lou")
    body = signed_in(cast.teacher).get("/consent/groups/?year_group=Year+8").content.decode()
    assert _rows(body) == 1 and "Jamie" not in body
    outsider = signed_in(cast.outsider).get("/consent/groups/?year_group=Year+8").content.decode()
    assert "Lou" not in outsider


def test_the_page_queries_do_not_grow_with_the_group(cast: Cast) -> None:
    client = signed_in(cast.teacher)
    _pupil(cast, "Mo")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/consent/groups/?year_group=Year+8").status_code == 200
    _learners(cast.organisation, 3 * PER_PAGE)
    for name in ("Nia", "Oli"):
        learner = _pupil(cast, name)
        send_request(cast.teacher, learner)
        send_request(cast.teacher, learner)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/consent/groups/?year_group=Year+8").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def _staff(organisation: Organisation, count: int) -> None:
    users = User.objects.bulk_create(
        User(
            email=f"many{index}@{organisation.slug}.example",
            full_name=f"Worker{index:04d} Many",
            organisation=organisation,
        )
        for index in range(count)
    )
    StaffMember.objects.bulk_create(
        StaffMember(organisation=organisation, user=user) for user in users
    )


def test_staff_consent_comes_a_page_at_a_time_searched_by_name(cast: Cast) -> None:
    _staff(cast.organisation, PER_PAGE)  # and the cast's 8
    _staff(cast.other_organisation, 3)
    client = signed_in(cast.dsl)
    first = client.get("/consent/staff/").content.decode()
    assert f"{PER_PAGE + 8} members of staff found: page 1 of 2" in first
    assert first.count('<th scope="row">') == PER_PAGE
    last = client.get("/consent/staff/?page=2").content.decode()
    assert last.count('<th scope="row">') == 8
    found = client.get("/consent/staff/?q=worker0003").content.decode()
    assert found.count('<th scope="row">') == 1 and "Worker0003 Many" in found
    # Another organisation's staff of the same name never show.
    assert "1 member of staff found" in found


def test_staff_consent_queries_do_not_grow_with_the_staff(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/consent/staff/").status_code == 200
    _staff(cast.organisation, 3 * PER_PAGE)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/consent/staff/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
