"""The dashboard: its figures are those of the records at the moment it is read (a check
changed, a session flagged or a concern raised shows on the next view), it costs the same
number of queries however many staff there are, and reading it is not audited."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.pure.dates import add_years
from chaperon.people import selectors, services
from chaperon.people.compliance import Status, last_done_before, staff_facts
from chaperon.people.models import Organisation, StaffMember
from chaperon.people.roles import Role
from chaperon.sessions.services import session_book
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, next_weekday_at, one_to_one

CARD = re.compile(r'<div class="card"><p class="figure">(\d+)</p><p>(?:<a [^>]*>)?([^<]+)')


def _figures_section(body: str) -> str:
    return body.split("<h2>Staff compliance at a glance</h2>", 1)[1].split("<h2>", 1)[0]


def _figures(body: str) -> dict[str, int]:
    """The staff compliance cards, as {label: figure}."""
    cards = CARD.findall(_figures_section(body))
    return {label: int(figure) for figure, label in cards}


def _dashboard(cast: Cast, name: str = "dsl") -> str:
    response = signed_in(cast.user(name)).get("/dashboard/")
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.parametrize("years", [1, 3, 5])
def test_the_counted_bounds_give_each_day_the_status_the_staff_page_gives(years: int) -> None:
    # Every day done across leap years, judged on days that include 28 and 29 February.
    for today in (date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2027, 3, 1)):
        for valid_until in (today, today + timedelta(days=31)):
            bound = last_done_before(valid_until, years)
            assert add_years(bound, years) < valid_until
            assert add_years(bound + timedelta(days=1), years) >= valid_until


def test_the_figures_are_those_of_every_staff_members_checks(cast: Cast) -> None:
    today = cast.organisation.today()
    factories.staff(cast.organisation, Role.TEACHER, dbs_checked_on=None)
    factories.staff(
        cast.organisation, Role.TEACHER, safeguarding_training_on=today - timedelta(days=400)
    )
    factories.staff(cast.organisation, Role.TEACHER, aup_signed_on=today - timedelta(days=350))
    organisation = Organisation.objects.get(pk=cast.organisation.pk)
    expected = dict.fromkeys(("current", "expiring", "expired", "missing"), 0)
    attention = 0
    members = StaffMember.objects.filter(organisation=organisation)
    for member in members:
        facts = staff_facts(member, organisation=organisation, today=today)
        attention += any(fact.status != Status.CURRENT for fact in facts)
        for fact in facts:
            expected[fact.status.value] += 1
    summary = selectors.compliance_summary_for(cast.dsl)
    assert summary == expected | {"staff": members.count(), "attention": attention}
    assert (summary["missing"], summary["expired"], summary["expiring"], attention) == (1, 1, 1, 3)
    # The figure links to the staff page filtered to those same people.
    named = selectors.staff_list_visible_to(cast.dsl, compliance="attention")
    assert named.count() == attention


def test_a_check_changed_shows_on_the_next_view(cast: Cast) -> None:
    before = _figures(_dashboard(cast))
    member = StaffMember.objects.get(user=cast.teacher)
    services.staff_update(actor=SYSTEM, staff=member, dbs_checked_on=None)
    after = _figures(_dashboard(cast))
    assert after["checks not recorded"] == before["checks not recorded"] + 1
    assert after["staff need attention"] == before["staff need attention"] + 1
    services.staff_update(actor=SYSTEM, staff=member, dbs_checked_on=date.today())
    assert _figures(_dashboard(cast)) == before


def test_a_new_member_of_staff_and_a_new_validity_show_on_the_next_view(cast: Cast) -> None:
    before = _figures(_dashboard(cast))
    factories.staff(cast.organisation, Role.TEACHER, aup_signed_on=None)
    after = _figures(_dashboard(cast))
    assert after["staff"] == before["staff"] + 1
    assert after["checks not recorded"] == before["checks not recorded"] + 1
    # Every DBS check in the cast was done 200 days ago: valid for one year, it is expiring.
    services.organisation_update(
        actor=SYSTEM, organisation=cast.organisation, dbs_valid_years=1, compliance_warning_days=200
    )
    changed = _figures(_dashboard(cast))
    assert changed["checks expiring soon"] >= before["staff"]


def test_a_session_flagged_by_a_changed_check_shows_on_the_next_view(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    consent_for(cast.learner, cast.dsl)
    booked = session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert booked.session is not None
    assert "Sessions no longer allowed" not in _dashboard(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_update(
            actor=SYSTEM, staff=StaffMember.objects.get(user=cast.teacher), dbs_checked_on=None
        )
    body = _dashboard(cast)
    assert "Sessions no longer allowed" in body and f"/sessions/{booked.session.pk}/" in body


def test_a_concern_raised_shows_as_waiting_on_the_next_view(cast: Cast) -> None:
    assert "Waiting to be acknowledged" not in _dashboard(cast)
    concern = public_concern(cast.organisation)
    body = _dashboard(cast)
    assert "Waiting to be acknowledged" in body and concern.reference in body
    assert concern.reference not in _dashboard(cast, "teacher")


def test_the_oldest_waiting_concerns_are_named_and_the_rest_counted(cast: Cast) -> None:
    raised = [public_concern(cast.organisation) for _ in range(12)]
    body = _dashboard(cast)
    assert "The oldest 10 of 12 waiting" in body
    assert raised[0].reference in body and raised[-1].reference not in body


def test_reading_the_dashboard_is_not_audited_and_names_no_one_behind_the_figures(
    cast: Cast,
) -> None:
    factories.staff(cast.organisation, Role.TEACHER, name="Nell Lapsed", dbs_checked_on=None)
    before = AuditEvent.objects.count()
    body = _dashboard(cast)
    assert AuditEvent.objects.count() == before
    assert "Nell Lapsed" not in body
    assert 'href="/staff/?compliance=attention"' in body  # the names, on the audited staff page
    assert 'href="/staff/' not in _figures_section(_dashboard(cast, "board"))


@pytest.mark.parametrize("name", ["dsl", "teacher"])
def test_the_dashboard_costs_the_same_queries_however_many_staff(cast: Cast, name: str) -> None:
    client = signed_in(cast.user(name))
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    today = cast.organisation.today()
    for number in range(15):
        factories.staff(
            cast.organisation,
            Role.TEACHER,
            dbs_checked_on=None if number % 3 == 0 else today - timedelta(days=200),
            aup_signed_on=today - timedelta(days=360) if number % 2 else today,
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/dashboard/")
    assert len(many) == len(few)


def test_a_teacher_sees_the_sessions_they_organise_or_staff_and_no_others(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    staffed = session_book(
        actor=cast.dsl,
        proposal=one_to_one(cast, staff=[cast.teacher, cast.teacher2], kind="group"),
        title="Mock interviews",
    )
    later = next_weekday_at(10) + timedelta(days=14)  # one session a week for the learner
    other = session_book(
        actor=cast.dsl, proposal=one_to_one(cast, staff=[cast.dsl], start=later), title="Other"
    )
    assert staffed.session is not None and other.session is not None
    for name in ("teacher", "teacher2"):
        body = _dashboard(cast, name)
        assert f"/sessions/{staffed.session.pk}/" in body
        assert f"/sessions/{other.session.pk}/" not in body
    assert f"/sessions/{other.session.pk}/" in _dashboard(cast, "dsl")


def test_the_dashboard_costs_the_same_queries_however_many_concerns_wait(cast: Cast) -> None:
    public_concern(cast.organisation)
    client = signed_in(cast.dsl)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    for _ in range(12):
        public_concern(cast.organisation)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/dashboard/").content.decode()
    assert "The oldest 10 of 13 waiting" in body
    assert len(many) == len(few)
