"""The concerns list by learner, the chronology a page at a time, and queries that do not grow
with the number of concerns (INC-10)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chaperon.concerns import services
from chaperon.concerns.models import Concern
from chaperon.core.pagination import PER_PAGE
from chaperon.people.models import Learner
from chaperon.sessions.models import Session
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-10")]


def _about(cast: Cast, learner: Learner, text: str) -> Concern:
    return services.concern_raise(
        actor=cast.teacher, organisation=cast.organisation, learner=learner, description=text
    )


def test_concerns_about_one_learner(cast: Cast) -> None:
    other = factories.learner(cast.organisation, first_name="Ezra", last_name="Quinn")
    robin = _about(cast, cast.learner, "Robin was upset after a video call.")
    ezra = _about(cast, other, "Ezra was sent messages by a stranger.")
    client = signed_in(cast.dsl)
    body = client.get(f"/concerns/?learner={cast.learner.pk}&show=all").content.decode()
    assert robin.reference in body and ezra.reference not in body
    assert "Concerns about Robin Alder" in body
    assert f'<input type="hidden" name="learner" value="{cast.learner.pk}">' in body
    assert 'href="?show=all">Show concerns about anyone' in body
    exported = client.get(f"/concerns/export.csv?learner={other.pk}").content.decode()
    assert ezra.reference in exported and robin.reference not in exported


@pytest.mark.parametrize("value", ["x", "-1", "1e3", "99999999999999999999999", ""])
def test_a_learner_filter_that_names_no_one_is_not_applied(cast: Cast, value: str) -> None:
    robin = _about(cast, cast.learner, "Robin was upset after a video call.")
    response = signed_in(cast.dsl).get(f"/concerns/?learner={value}")
    assert response.status_code == 200
    assert robin.reference in response.content.decode()


def test_another_organisations_learner_finds_nothing_of_theirs(cast: Cast) -> None:
    theirs = services.concern_raise(
        actor=cast.outsider,
        organisation=cast.other_organisation,
        learner=cast.outsider_learner,
        description="Jamie was sent messages by a stranger.",
    )
    mine = _about(cast, cast.learner, "Robin was upset after a video call.")
    body = (
        signed_in(cast.dsl)
        .get(f"/concerns/?learner={cast.outsider_learner.pk}&show=all")
        .content.decode()
    )
    # Not a learner here: the filter is dropped, and only this organisation's cases show.
    assert "Jamie Rowan" not in body and "Jamie was sent" not in body
    assert mine.reference in body
    assert f"/concerns/{theirs.pk}/" not in body


def test_the_list_queries_do_not_grow_with_the_number_of_concerns(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    for n in range(3):
        public_concern(cast.organisation, description=f"Worry number {n}.")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/concerns/?show=all&q=worry").status_code == 200
    for n in range(PER_PAGE + 5):
        public_concern(cast.organisation, description=f"Worry number {n}.")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/concerns/?show=all&q=worry").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def _sessions(cast: Cast, count: int) -> None:
    start = timezone.now() - timedelta(days=count + 1)
    sessions = Session.objects.bulk_create(
        Session(
            organisation=cast.organisation,
            organiser=cast.teacher,
            kind="one_to_one",
            title=f"Careers conversation {n:03d}",
            start=start + timedelta(days=n),
            duration_minutes=30,
            status="booked",
        )
        for n in range(count)
    )
    Session.learners.through.objects.bulk_create(
        Session.learners.through(session_id=session.pk, learner_id=cast.learner.pk)
        for session in sessions
    )


def test_the_chronology_page_comes_a_page_at_a_time(cast: Cast) -> None:
    _sessions(cast, PER_PAGE + 3)
    client = signed_in(cast.dsl)
    url = f"/concerns/learners/{cast.learner.pk}/chronology/"
    first = client.get(url).content.decode()
    assert f"{PER_PAGE + 3} entries: page 1 of 2" in first
    assert first.count('class="chronology-item"') == PER_PAGE
    assert "Careers conversation 000" in first and "Careers conversation 052" not in first
    assert 'href="?page=2" rel="next"' in first
    last = client.get(url, {"page": "2"}).content.decode()
    assert last.count('class="chronology-item"') == 3 and 'start="51"' in last
    assert "Careers conversation 052" in last
    assert client.get(url, {"page": "7"}).content.decode().count('class="chronology-item"') == 3
    assert client.get(url, {"page": "x"}).content.decode().count('class="chronology-item"') == 50
