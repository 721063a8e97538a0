"""The sessions list: a page at a time, filtered in the database by organiser, kind, dates and
whether the policy still allows it, only ever among the sessions the viewer may see."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chaperon.core.pagination import PER_PAGE
from chaperon.people.models import Organisation, User
from chaperon.sessions.models import Session
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.django_db


def _sessions(
    organisation: Organisation,
    organiser: User,
    count: int,
    *,
    title: str = "Lesson",
    days: int = 1,
    **fields: object,
) -> list[Session]:
    start = timezone.now() + timedelta(days=days)
    values: dict[str, object] = {"kind": "group", "duration_minutes": 45, "status": "booked"}
    values.update(fields)
    return Session.objects.bulk_create(
        Session(
            organisation=organisation,
            organiser=organiser,
            title=f"{title} {n:03d}",
            start=start + timedelta(hours=n),
            **values,
        )
        for n in range(count)
    )


def _rows(body: str) -> int:
    return body.count('<th scope="row"><a href="/sessions/')


def test_sessions_come_a_page_at_a_time(cast: Cast) -> None:
    _sessions(cast.organisation, cast.teacher, PER_PAGE + 3)
    client = signed_in(cast.dsl)
    first = client.get("/sessions/").content.decode()
    assert f"{PER_PAGE + 3} sessions found: page 1 of 2" in first
    assert _rows(first) == PER_PAGE and "Lesson 000" in first and "Lesson 052" not in first
    assert '<nav aria-label="Pages of sessions"' in first and 'href="?page=2" rel="next"' in first
    last = client.get("/sessions/?page=2").content.decode()
    assert _rows(last) == 3 and "Lesson 052" in last
    assert _rows(client.get("/sessions/?page=40").content.decode()) == 3
    assert _rows(client.get("/sessions/?page=last").content.decode()) == PER_PAGE


def test_filters_keep_to_the_page_links(cast: Cast) -> None:
    _sessions(cast.organisation, cast.teacher, PER_PAGE + 1, kind="webinar")
    body = signed_in(cast.dsl).get("/sessions/?kind=webinar&organiser=finch").content.decode()
    assert 'href="?kind=webinar&amp;organiser=finch&amp;page=2" rel="next"' in body


def test_by_organiser_kind_and_flag(cast: Cast) -> None:
    _sessions(cast.organisation, cast.teacher, 2, title="Finch group")
    _sessions(cast.organisation, cast.teacher2, 2, title="Marsh webinar", kind="webinar")
    _sessions(cast.organisation, cast.teacher2, 1, title="Marsh flagged", flagged=True)
    client = signed_in(cast.dsl)
    by_organiser = client.get("/sessions/?organiser=terry+finch").content.decode()
    assert "Finch group 000" in by_organiser and "Marsh" not in by_organiser.split("<h2")[-1]
    by_kind = client.get("/sessions/?kind=webinar").content.decode()
    assert _rows(by_kind) == 2 and "Marsh webinar 001" in by_kind
    flagged = client.get("/sessions/?flagged=on").content.decode()
    assert _rows(flagged) == 1 and "Marsh flagged 000" in flagged


def test_by_dates_and_past(cast: Cast) -> None:
    _sessions(cast.organisation, cast.teacher, 1, title="Soon", days=1)
    _sessions(cast.organisation, cast.teacher, 1, title="Later", days=20)
    _sessions(cast.organisation, cast.teacher, 1, title="Before", days=-60)
    client = signed_in(cast.dsl)
    today = timezone.localdate(timezone=cast.organisation.zone)
    until = (today + timedelta(days=5)).isoformat()
    soon = client.get(f"/sessions/?start_to={until}").content.decode()
    assert _rows(soon) == 1 and "Soon 000" in soon
    later = client.get(f"/sessions/?start_from={until}").content.decode()
    assert _rows(later) == 1 and "Later 000" in later
    upcoming = client.get("/sessions/").content.decode()
    assert "Before 000" not in upcoming
    everything = client.get("/sessions/?include_past=on").content.decode()
    assert _rows(everything) == 3
    assert everything.index("Later 000") < everything.index("Before 000")  # newest first
    backwards = client.get(f"/sessions/?start_from={until}&start_to={today.isoformat()}")
    assert backwards.status_code == 400 and "comes before its start" in backwards.content.decode()


def test_filters_never_widen_what_the_viewer_sees(cast: Cast) -> None:
    _sessions(cast.organisation, cast.teacher2, 2, title="Marsh lesson")
    _sessions(cast.other_organisation, cast.outsider, 2, title="Kestrel lesson")
    teacher = signed_in(cast.teacher)
    for query in ("", "?organiser=marsh", "?include_past=on", "?organiser=outwood"):
        body = teacher.get(f"/sessions/{query}").content.decode()
        assert "Marsh lesson" not in body and "Kestrel lesson" not in body
    dsl = signed_in(cast.dsl)
    for query in ("?organiser=outwood", "?organiser=olly&include_past=on", "?kind=group"):
        assert "Kestrel lesson" not in dsl.get(f"/sessions/{query}").content.decode()


@pytest.mark.parametrize("query", ["", "?include_past=on&kind=group"])
def test_queries_do_not_grow_with_the_list(cast: Cast, query: str) -> None:
    client = signed_in(cast.dsl)
    _sessions(cast.organisation, cast.teacher, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/sessions/{query}").status_code == 200
    more = _sessions(cast.organisation, cast.teacher2, 3 * PER_PAGE, title="More")
    Session.learners.through.objects.bulk_create(
        Session.learners.through(session_id=session.pk, learner_id=cast.learner.pk)
        for session in more
    )
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/sessions/{query}").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
