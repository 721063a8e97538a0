"""The learners and staff lists: a page at a time, searched and filtered in the database,
within the viewer's organisation, with a number of queries that does not grow with the list."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chaperon.core.pagination import PER_PAGE
from chaperon.people.compliance import last_day_not_current, needs_attention, staff_facts
from chaperon.people.models import Learner, Organisation, StaffMember, StaffRole, User
from chaperon.people.roles import Role
from tests import factories
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.django_db


def _learners(organisation: Organisation, count: int, **fields: object) -> None:
    Learner.objects.bulk_create(
        Learner(
            organisation=organisation,
            first_name=f"Pupil{index:04d}",
            last_name="Many",
            date_of_birth=date(2012, 1, 1),
            **fields,
        )
        for index in range(count)
    )


def _staff(
    organisation: Organisation, count: int, *, role: str = Role.TEACHER, prefix: str = "many"
) -> None:
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{index}@{organisation.slug}.example",
            full_name=f"Worker{index:04d} {prefix.title()}",
            organisation=organisation,
        )
        for index in range(count)
    )
    members = StaffMember.objects.bulk_create(
        StaffMember(organisation=organisation, user=user) for user in users
    )
    StaffRole.objects.bulk_create(StaffRole(staff=member, role=role) for member in members)


def _rows(body: str, href: str) -> int:
    return body.count(f'<th scope="row"><a href="{href}')


# Learners -------------------------------------------------------------------------------------


def test_learners_come_a_page_at_a_time(cast: Cast) -> None:
    _learners(cast.organisation, PER_PAGE + 10)  # and Robin Alder: 61
    client = signed_in(cast.dsl)
    first = client.get("/learners/").content.decode()
    assert f"{PER_PAGE + 11} learners found: page 1 of 2" in first
    assert _rows(first, "/learners/") == PER_PAGE
    assert 'href="?page=2" rel="next"' in first
    last = client.get("/learners/?page=2").content.decode()
    assert _rows(last, "/learners/") == 11 and 'rel="next"' not in last
    assert _rows(client.get("/learners/?page=9").content.decode(), "/learners/") == 11
    assert _rows(client.get("/learners/?page=x").content.decode(), "/learners/") == PER_PAGE


def test_learner_filters_are_kept_in_the_page_links(cast: Cast) -> None:
    _learners(cast.organisation, PER_PAGE + 1, year_group="Year 9")
    _learners(cast.organisation, 5, year_group="Year 7")
    body = signed_in(cast.dsl).get("/learners/?q=pupil&year_group=Year+9").content.decode()
    assert f"{PER_PAGE + 1} learners found: page 1 of 2" in body
    assert 'href="?q=pupil&amp;year_group=Year+9&amp;page=2" rel="next"' in body


def test_learner_search_and_year_group(cast: Cast) -> None:
    factories.learner(cast.organisation, first_name="Ezra", last_name="Quinn", year_group="Year 7")
    factories.learner(cast.organisation, first_name="Ezra", last_name="Stone", year_group="Year 8")
    client = signed_in(cast.dsl)
    found = client.get("/learners/?q=ezra").content.decode()
    assert (
        "Ezra Quinn</a>" in found and "Ezra Stone</a>" in found and "Robin Alder</a>" not in found
    )
    found = client.get("/learners/?q=ezra&year_group=Year+8").content.decode()
    assert "Ezra Stone</a>" in found and "Ezra Quinn</a>" not in found


def test_learners_filtered_by_tutor_group_among_the_organisations_own(cast: Cast) -> None:
    factories.learner(cast.organisation, first_name="Ada", last_name="Tarn", tutor_group="7B")
    factories.learner(cast.organisation, first_name="Ben", last_name="Tarn", tutor_group="7C")
    _learners(cast.other_organisation, 2, tutor_group="9Z")
    client = signed_in(cast.dsl)
    body = client.get("/learners/?tutor_group=7B").content.decode()
    assert "Ada Tarn</a>" in body and "Ben Tarn</a>" not in body
    assert "1 learner found" in body and '<option value="7C">7C</option>' in body
    # Another organisation's group is not offered (matched as an option, not as two letters
    # that a random nonce or token on the page may hold).
    assert 'value="9Z"' not in body and ">9Z<" not in body
    refused = client.get("/learners/?tutor_group=9Z")
    assert refused.status_code == 400 and "Pupil0000" not in refused.content.decode()


def test_another_organisations_learners_never_show(cast: Cast) -> None:
    _learners(cast.other_organisation, 3, year_group="Year 7")
    client = signed_in(cast.dsl)
    body = client.get(f"/learners/?q=Rowan&page=1&organisation={cast.other_organisation.pk}")
    assert "Jamie Rowan</a>" not in body.content.decode()
    # A year group that only the other organisation has is not a choice here.
    response = client.get("/learners/?year_group=Year+7")
    assert response.status_code == 400 and "Pupil0000" not in response.content.decode()


@pytest.mark.parametrize("url", ["/learners/", "/learners/?q=many&page=2"])
def test_learner_queries_do_not_grow_with_the_list(cast: Cast, url: str) -> None:
    client = signed_in(cast.dsl)
    _learners(cast.organisation, PER_PAGE + 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _learners(cast.organisation, 4 * PER_PAGE)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    reads = [q["sql"] for q in large.captured_queries if "people_learner" in q["sql"]]
    assert any("LIMIT 50" in sql.upper() for sql in reads)


# Staff ----------------------------------------------------------------------------------------


def test_staff_come_a_page_at_a_time(cast: Cast) -> None:
    _staff(cast.organisation, PER_PAGE)  # and the cast's 8
    client = signed_in(cast.dsl)
    first = client.get("/staff/").content.decode()
    assert f"{PER_PAGE + 8} members of staff found: page 1 of 2" in first
    assert _rows(first, "/staff/") == PER_PAGE
    assert _rows(client.get("/staff/?page=2").content.decode(), "/staff/") == 8
    assert _rows(client.get("/staff/?page=-1").content.decode(), "/staff/") == 8


def test_staff_search_and_role(cast: Cast) -> None:
    client = signed_in(cast.teacher)
    found = client.get("/staff/?q=finch").content.decode()
    assert "Terry Finch</a>" in found and "Toni Marsh</a>" not in found
    teachers = client.get("/staff/?role=teacher").content.decode()
    assert (
        "Terry Finch</a>" in teachers
        and "Toni Marsh</a>" in teachers
        and "Dana Sefton</a>" not in teachers
    )
    by_email = client.get(f"/staff/?q={cast.dsl.email}").content.decode()
    assert "Dana Sefton</a>" in by_email and "Terry Finch</a>" not in by_email


def test_staff_by_their_checks(cast: Cast) -> None:
    today = date.today()
    factories.staff(cast.organisation, Role.TEACHER, name="Ash Lapsed", aup_signed_on=None)
    factories.staff(
        cast.organisation,
        Role.TEACHER,
        name="Bea Soon",
        dbs_checked_on=today - timedelta(days=3 * 365 - 10),
    )
    client = signed_in(cast.dsl)
    attention = client.get("/staff/?compliance=attention").content.decode()
    assert (
        "Ash Lapsed</a>" in attention
        and "Bea Soon</a>" in attention
        and "Dana Sefton</a>" not in attention
    )
    current = client.get("/staff/?compliance=current").content.decode()
    assert (
        "Dana Sefton</a>" in current
        and "Ash Lapsed</a>" not in current
        and "Bea Soon</a>" not in current
    )


def test_only_those_who_see_the_checks_filter_by_them(cast: Cast) -> None:
    factories.staff(cast.organisation, Role.TEACHER, name="Ash Lapsed", aup_signed_on=None)
    body = signed_in(cast.teacher).get("/staff/?compliance=attention").content.decode()
    assert 'name="compliance"' not in body
    assert "Dana Sefton</a>" in body  # the filter is ignored, not applied: nothing learned from it


@pytest.mark.parametrize("offset", range(-3, 4))
def test_the_database_agrees_with_the_checks_on_every_day(cast: Cast, offset: int) -> None:
    organisation = Organisation.objects.get(pk=cast.organisation.pk)
    for today in (date(2027, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2026, 12, 6)):
        last = last_day_not_current(organisation, organisation.dbs_valid_years, today)
        done = last + timedelta(days=offset)
        member = StaffMember(
            dbs_checked_on=done, safeguarding_training_on=today, aup_signed_on=today
        )
        facts = staff_facts(member, organisation=organisation, today=today)
        assert needs_attention(facts) == (done <= last)


def test_another_organisations_staff_never_show(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    for query in ("q=Outwood", "role=dsl", "compliance=current", "q=Olly&page=1"):
        assert "Olly Outwood</a>" not in client.get(f"/staff/?{query}").content.decode()


@pytest.mark.parametrize("name", ["dsl", "teacher"])
def test_staff_queries_do_not_grow_with_the_list(cast: Cast, name: str) -> None:
    client = signed_in(cast.user(name))
    _staff(cast.organisation, PER_PAGE + 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/staff/").status_code == 200
    _staff(cast.organisation, 3 * PER_PAGE, prefix="more")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/staff/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    # One count and one page of rows: the organisation's staff are never read whole.
    staff_reads = [q["sql"] for q in large.captured_queries if "people_staffmember" in q["sql"]]
    assert any("LIMIT 50" in sql.upper() for sql in staff_reads)
