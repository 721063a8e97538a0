"""The trust overview: a member of a trust sees its schools' figures, counted by the
database, and nothing of another trust; nobody's name reaches the page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern
from chaperon.core.actors import SYSTEM
from chaperon.people.models import Organisation, Trust
from chaperon.people.services import trust_add_member, trust_add_school, trust_create
from chaperon.recordings.models import LegalHold, Recording
from chaperon.sessions.models import Session
from chaperon.trusts.selectors import trust_overview_for
from chaperon.trusts.terms import term_containing
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.consent.helpers import send_request

pytestmark = pytest.mark.django_db


def _session(organiser, **fields) -> Session:
    values = {
        "organisation": organiser.organisation,
        "organiser": organiser,
        "kind": "group",
        "title": "Year 8 science catch-up",
        "start": timezone.now(),
        "duration_minutes": 60,
        "status": "booked",
    }
    values.update(fields)
    return Session.objects.create(**values)


def _recording(session: Session, **fields) -> Recording:
    return Recording.objects.create(
        organisation=session.organisation,
        session=session,
        purpose="So that any concern about the session can be looked at again",
        started_by=session.organiser,
        started_at=timezone.now(),
        retain_until=timezone.now() + timedelta(days=30),
        **{"status": "complete", **fields},
    )


@pytest.fixture
def trusts(cast: Cast) -> tuple[Trust, Trust, Organisation]:
    """Oak: the cast's school and Willow Primary; Elm: the other organisation. The board
    member is Oak's trust board member, the ICT technician its administrator, the outsider
    Elm's trust DSL."""
    oak = trust_create(actor=SYSTEM, name="Oak Learning Trust", slug="oak")
    elm = trust_create(actor=SYSTEM, name="Elm Schools Trust", slug="elm")
    willow = factories.organisation("Willow Primary", postcode="ZZ1 1AA")
    for trust, school in ((oak, cast.organisation), (oak, willow), (elm, cast.other_organisation)):
        trust_add_school(actor=SYSTEM, trust=trust, organisation=school)
    trust_add_member(actor=SYSTEM, trust=oak, user=cast.board, role="trust_board")
    trust_add_member(actor=SYSTEM, trust=oak, user=cast.ict, role="trust_admin")
    trust_add_member(actor=SYSTEM, trust=elm, user=cast.outsider, role="trust_dsl")
    return oak, elm, willow


@pytest.fixture
def known(cast: Cast, trusts: tuple[Trust, Trust, Organisation]) -> None:
    """Known figures for the cast's school (and some for the other trust, never counted)."""
    today = date.today()
    factories.staff(
        cast.organisation, name="Lapsed Check", dbs_checked_on=today.replace(year=today.year - 4)
    )
    _session(cast.teacher)
    _session(cast.teacher, flagged=True)
    _session(cast.teacher, status="cancelled")
    _session(cast.teacher, start=timezone.now() - timedelta(days=400))  # an earlier term
    kept = _recording(_session(cast.teacher, status="open"))
    LegalHold.objects.create(
        organisation=cast.organisation,
        recording=kept,
        case_reference="SG-2026-0001",
        reason="Evidence",
        placed_at=timezone.now(),
    )
    _recording(kept.session)
    _recording(kept.session, status="destroyed")
    public_concern(cast.organisation, category="contact")
    acknowledged = public_concern(cast.organisation, category="contact")
    Concern.objects.filter(pk=acknowledged.pk).update(status="acknowledged")
    closed = public_concern(cast.organisation, category="content")
    Concern.objects.filter(pk=closed.pk).update(status="closed")
    public_concern(cast.organisation, category="conduct")
    send_request(cast.dsl, cast.learner)
    # The other trust's school: a concern, a session and a request Oak never counts.
    public_concern(cast.other_organisation, category="commerce", reporter_name="Kit Other")
    _session(cast.outsider)


def test_a_trust_board_member_sees_the_figures_of_each_school_and_in_total(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation], known: None
) -> None:
    oak, _elm, willow = trusts
    overview = trust_overview_for(cast.board, oak.pk)
    assert overview.school_count == 2 and overview.safeguarding
    rows = {row.school.pk: row.figures for row in overview.rows}
    school = rows[cast.organisation.pk]
    assert (school.staff, school.staff_up_to_date, school.staff_needing_attention) == (9, 8, 1)
    assert (school.sessions, school.flagged) == (3, 1)
    assert (school.recordings_kept, school.recordings_held) == (2, 1)
    assert school.consent_outstanding == 1
    assert school.concerns == {"raised": 2, "acknowledged": 1, "triaged": 0}
    assert school.open_concerns == 3
    empty = rows[willow.pk]
    assert (empty.staff, empty.sessions, empty.open_concerns, empty.recordings_kept) == (
        0,
        0,
        0,
        0,
    )
    assert overview.total.sessions == 3 and overview.total.open_concerns == 3
    assert overview.total.staff == 9
    categories = dict(overview.concerns_by_category)
    assert categories["Contact: harmful contact with others (grooming, exploitation)"] == 2
    assert categories["Conduct: behaviour that causes harm (bullying, sharing images)"] == 1
    assert categories["Commerce: scams, gambling, pressure to buy"] == 0  # the other trust's
    assert dict(overview.concerns_by_status)["Raised: waiting for the DSL"] == 2


def test_a_trust_administrator_sees_no_safeguarding_figures(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation], known: None
) -> None:
    oak, _elm, _willow = trusts
    overview = trust_overview_for(cast.ict, oak.pk)
    assert not overview.safeguarding
    assert overview.total.open_concerns is None and overview.total.flagged is None
    assert overview.concerns_by_category == [] and overview.concerns_by_status == []
    html = signed_in(cast.ict).get(f"/trusts/{oak.pk}/").content.decode()
    assert "Open concerns" not in html and "Flagged" not in html
    assert "Sessions this term" in html


def test_the_page_shows_counts_and_no_one_s_name(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation], known: None
) -> None:
    oak, _elm, _willow = trusts
    before = AuditEvent.objects.count()
    response = signed_in(cast.board).get(f"/trusts/{oak.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour View School" in html and "Willow Primary" in html and "ZZ1 1AA" in html
    assert "Kestrel Bank College" not in html  # the other trust's school
    people = [
        cast.learner.full_name,
        cast.guardian.full_name,
        cast.teacher.full_name,
        cast.dsl.full_name,
        "Lapsed Check",
        "Pat Meadow",
        "pat@home.example",
    ]
    for name in people:
        assert name not in html
    assert "SG-" not in html  # no reference of a concern or a case
    assert AuditEvent.objects.count() == before  # counts only: nothing to audit


@pytest.mark.parametrize("who", ["outsider", "dsl", "teacher"])
def test_anyone_but_a_member_is_told_not_found_and_nothing_is_recorded(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation], who: str
) -> None:
    oak, elm, _willow = trusts
    before = AuditEvent.objects.count()
    client = signed_in(cast.user(who))
    assert client.get(f"/trusts/{oak.pk}/").status_code == 404
    assert client.get(f"/trusts/{elm.pk + oak.pk + 100}/").status_code == 404  # no such trust
    if who == "outsider":  # Elm's trust DSL sees Elm, only
        html = client.get(f"/trusts/{elm.pk}/").content.decode()
        assert "Kestrel Bank College" in html and "Harbour View School" not in html
    else:
        assert client.get("/trusts/").status_code == 404
    assert AuditEvent.objects.count() == before


def test_members_find_their_trust_from_the_navigation(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation]
) -> None:
    oak, _elm, _willow = trusts
    board = signed_in(cast.board)
    assert 'href="/trusts/"' in board.get("/dashboard/").content.decode()
    assert board.get("/trusts/")["Location"] == f"/trusts/{oak.pk}/"
    assert 'href="/trusts/"' not in signed_in(cast.teacher).get("/dashboard/").content.decode()


def test_the_schools_are_searched_by_name_or_postcode_and_paged(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation]
) -> None:
    oak, _elm, _willow = trusts
    for number in range(25):
        school = factories.organisation(f"Birch Academy {number:02d}", postcode=f"ZZ{number} 9XY")
        trust_add_school(actor=SYSTEM, trust=oak, organisation=school)
    client = signed_in(cast.board)
    first = client.get(f"/trusts/{oak.pk}/").content.decode()
    assert "27 schools" in first and "Page 1 of 2" in first
    by_name = trust_overview_for(cast.board, oak.pk, query="willow")
    assert [row.school.name for row in by_name.rows] == ["Willow Primary"]
    by_postcode = trust_overview_for(cast.board, oak.pk, query="zz13 9x")
    assert [row.school.name for row in by_postcode.rows] == ["Birch Academy 13"]
    assert by_postcode.total.staff == 8  # the total is the trust's, whatever the search
    second = client.get(f"/trusts/{oak.pk}/?q=birch&page=2").content.decode()
    assert "Birch Academy 24" in second and "Willow Primary" not in second


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_schools(
    cast: Cast, trusts: tuple[Trust, Trust, Organisation]
) -> None:
    oak, _elm, _willow = trusts
    client = signed_in(cast.board)

    def add_schools(count: int) -> None:
        for number in range(count):
            school = factories.organisation(f"Rowan School {number}")
            # Schools with their own validity periods still cost one query in all.
            Organisation.objects.filter(pk=school.pk).update(dbs_valid_years=number % 3 + 1)
            trust_add_school(actor=SYSTEM, trust=oak, organisation=school)
            teacher = factories.staff(school, "teacher")
            _session(teacher, flagged=True)
            public_concern(school)
            _recording(_session(teacher))

    client.get(f"/trusts/{oak.pk}/")  # warm up what is cached once
    two = _queries(client, f"/trusts/{oak.pk}/")
    add_schools(8)
    ten = _queries(client, f"/trusts/{oak.pk}/")
    assert ten == two  # two schools, then ten
    assert trust_overview_for(cast.board, oak.pk).total.flagged == 8


def test_terms_are_autumn_spring_and_summer() -> None:
    assert term_containing(date(2026, 10, 5)).first_day == date(2026, 9, 1)
    assert term_containing(date(2026, 12, 31)).next_term_starts == date(2027, 1, 1)
    assert term_containing(date(2027, 2, 1)).name == "Spring"
    assert term_containing(date(2027, 8, 31)).first_day == date(2027, 4, 1)
