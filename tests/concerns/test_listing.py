"""Find and follow (INC-8, INC-10, LOG-2): the concerns list is searched and filtered in the
database, 50 a page, counted by the database; its CSV export holds what the viewer may open
and nothing else; another organisation's concerns never show; each read is audited."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.listing import PER_PAGE, ConcernFilters, concern_page_for
from chaperon.concerns.models import Concern
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import immediate_risk, public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-10")]


def _many(cast: Cast, count: int) -> list[Concern]:
    return [
        public_concern(cast.organisation, description=f"Worry number {n} about an online game.")
        for n in range(count)
    ]


def _allegation(cast: Cast) -> Concern:
    return services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        description="Terry messaged a pupil from a personal account, about homework.",
    )


def _rows(response) -> list[list[str]]:
    body = response.content.decode()
    return list(csv.reader(io.StringIO(body)))


def _references(response) -> list[str]:
    return [row[0] for row in _rows(response)[1:]]


@pytest.mark.parametrize(
    ("count", "pages", "last_page_size"),
    [(0, 1, 0), (PER_PAGE, 1, PER_PAGE), (PER_PAGE + 1, 2, 1), (2 * PER_PAGE, 2, PER_PAGE)],
)
def test_pages_of_fifty_counted_by_the_database(
    cast: Cast, count: int, pages: int, last_page_size: int
) -> None:
    _many(cast, count)
    last = concern_page_for(cast.dsl, ConcernFilters(), pages)
    assert last.paginator.count == count and last.paginator.num_pages == pages
    assert len(last.object_list) == last_page_size
    beyond = concern_page_for(cast.dsl, ConcernFilters(), pages + 5)
    assert beyond.number == pages  # a page out of range gives the last one
    assert concern_page_for(cast.dsl, ConcernFilters(), "nonsense").number == 1


def test_a_page_reads_only_its_rows(cast: Cast) -> None:
    _many(cast, PER_PAGE + 10)
    client = signed_in(cast.dsl)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/concerns/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"{PER_PAGE + 10} concerns found: page 1 of 2" in body
    assert body.count('<th scope="row"><a href="/concerns/') == PER_PAGE
    assert "Next page" in body
    # One count, one page of rows: the organisation is never read whole.
    selects = [q["sql"] for q in first.captured_queries if "concerns_concern" in q["sql"]]
    assert any("COUNT(" in sql.upper() for sql in selects)
    assert any("LIMIT 50" in sql.upper() for sql in selects)
    second = client.get("/concerns/?page=2").content.decode()
    assert second.count('<th scope="row"><a href="/concerns/') == 10
    assert "Previous page" in second


def test_another_organisations_concerns_never_show(cast: Cast) -> None:
    mine = public_concern(cast.organisation)
    theirs = public_concern(cast.other_organisation, description="Their worry about a game")
    page = concern_page_for(cast.dsl, ConcernFilters(show="all"), 1)
    assert [c.pk for c in page.object_list] == [mine.pk]
    assert _references(signed_in(cast.dsl).get("/concerns/export.csv?show=all")) == [mine.reference]
    # The same reference (numbered per organisation) finds only the outsider's own.
    assert theirs.reference == mine.reference
    outsider = concern_page_for(cast.outsider, ConcernFilters(show="all", q=mine.reference), 1)
    assert [c.pk for c in outsider.object_list] == [theirs.pk]
    exported = _references(signed_in(cast.outsider).get("/concerns/export.csv?show=all"))
    assert exported == [theirs.reference]
    assert "online game" not in str(_rows(signed_in(cast.outsider).get("/concerns/export.csv")))


def test_search_by_reference_learner_and_words(cast: Cast) -> None:
    about_robin = services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        learner=cast.learner,
        description="Robin was upset after a video call with a stranger.",
    )
    other = public_concern(cast.organisation, description="A scam website asked for card details.")
    noted = public_concern(cast.organisation, description="Someone posted unkind comments.")
    services.concern_note_add(actor=cast.dsl, concern=noted, text="The platform was Quillchat.")

    def found(q: str) -> set[int]:
        page = concern_page_for(cast.dsl, ConcernFilters(q=q), 1)
        return {concern.pk for concern in page.object_list}

    assert found(other.reference) == {other.pk}
    assert found("alder") == {about_robin.pk}  # the learner's surname
    assert found("scam card") == {other.pk}  # every word, anywhere
    assert found("quillchat") == {noted.pk}  # in a note written on the case since
    assert found("scam robin") == set()
    assert found("") == {about_robin.pk, other.pk, noted.pk}


def _raised_at(cast: Cast, moment: datetime, monkeypatch) -> Concern:
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: moment)
        return public_concern(cast.organisation)


def test_filters_by_state_category_dates_mine_and_awaiting(cast: Cast, monkeypatch) -> None:
    raised = public_concern(cast.organisation, category="contact")
    triaged = public_concern(cast.organisation, category="conduct")
    services.concern_triage(
        actor=cast.deputy, concern=triaged, answers=immediate_risk(), risk_note="Threats."
    )
    closed = public_concern(cast.organisation, category="content")
    services.concern_triage(
        actor=cast.dsl, concern=closed, answers=immediate_risk(), risk_note="Seen."
    )
    services.concern_close(
        actor=cast.dsl, concern=closed, responses={}, reporter_told="Phoned", open_steps_reason="x"
    )
    old = _raised_at(cast, timezone.now() - timedelta(days=40), monkeypatch)

    def found(**filters: object) -> set[int]:
        page = concern_page_for(cast.dsl, ConcernFilters(**filters), 1)  # type: ignore[arg-type]
        return {concern.pk for concern in page.object_list}

    assert found() == {raised.pk, triaged.pk, old.pk}
    assert found(show="closed") == {closed.pk}
    assert found(show="all", status="triaged") == {triaged.pk}
    assert found(show="all", category="content") == {closed.pk}
    today = timezone.localdate(timezone=cast.organisation.zone)
    assert old.pk not in found(raised_from=today - timedelta(days=7))
    assert found(raised_to=today - timedelta(days=30)) == {old.pk}
    # Mine: the deputy owns the steps of the triaged one.
    mine = concern_page_for(cast.deputy, ConcernFilters(mine=True), 1)
    assert {c.pk for c in mine.object_list} == {triaged.pk}
    # Awaiting action: not yet triaged, or a step overdue.
    assert found(awaiting=True) == {raised.pk, old.pk}
    triaged.steps.update(due_at=timezone.now() - timedelta(hours=1))
    assert found(awaiting=True) == {raised.pk, old.pk, triaged.pk}


def test_the_date_range_is_the_organisations_days(cast: Cast, monkeypatch) -> None:
    """23:30 UTC on a summer evening is already tomorrow in London."""
    concern = _raised_at(cast, datetime(2026, 6, 15, 23, 30, tzinfo=UTC), monkeypatch)

    def found(day: date) -> bool:
        filters = ConcernFilters(raised_from=day, raised_to=day)
        return concern.pk in {c.pk for c in concern_page_for(cast.dsl, filters, 1).object_list}

    assert found(date(2026, 6, 16)) and not found(date(2026, 6, 15))


def test_a_restricted_allegation_shows_only_to_those_who_may_open_it(cast: Cast) -> None:
    ordinary = public_concern(cast.organisation)
    allegation = _allegation(cast)
    for who, expected in [
        ("dsl", {ordinary.reference, allegation.reference}),
        ("deputy", {ordinary.reference}),
    ]:
        client = signed_in(cast.user(who))
        listed = client.get("/concerns/?q=").content.decode()
        assert (allegation.reference in listed) == (allegation.reference in expected)
        exported = client.get("/concerns/export.csv")
        assert exported.status_code == 200
        assert set(_references(exported)) == expected
        searched = client.get("/concerns/export.csv?q=Terry+personal")
        assert set(_references(searched)) == expected & {allegation.reference}
    # Named on the case: that allegation only.
    services.concern_access_grant(actor=cast.dsl, concern=allegation, user=cast.slt)
    assert _references(signed_in(cast.slt).get("/concerns/export.csv")) == [allegation.reference]


@pytest.mark.parametrize("who", ["teacher", "slt", "board", "ict"])
def test_the_list_and_export_are_for_those_who_handle_concerns(cast: Cast, who: str) -> None:
    public_concern(cast.organisation)
    events = AuditEvent.objects.count()
    client = signed_in(cast.user(who))
    assert client.get("/concerns/").status_code == 403
    assert client.get("/concerns/export.csv").status_code == 403
    assert client.get("/concerns/tasks/").status_code == 403
    assert AuditEvent.objects.count() == events


def test_the_export_is_audited_with_its_filters_and_size(cast: Cast) -> None:
    public_concern(cast.organisation, category="contact")
    public_concern(cast.organisation, category="conduct")
    response = signed_in(cast.dsl).get("/concerns/export.csv?category=contact&show=all")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:3] == ["Reference", "Raised", "How"] and len(rows) == 2
    [exported] = AuditEvent.objects.filter(action=AuditAction.CONCERN_LIST_EXPORTED)
    assert exported.actor_id == cast.dsl.pk
    assert exported.details == {"filters": {"show": "all", "category": "contact"}, "count": 1}


def test_the_export_never_runs_as_a_formula(cast: Cast) -> None:
    services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        about_name='=HYPERLINK("http://evil.example","x")',
        description="A worry with a name that looks like a formula.",
    )
    [row] = _rows(signed_in(cast.dsl).get("/concerns/export.csv"))[1:]
    about = row[5]
    assert about.startswith("'=HYPERLINK")


def test_bad_filters_are_named_and_show_nothing_wrong(cast: Cast) -> None:
    public_concern(cast.organisation)
    response = signed_in(cast.dsl).get("/concerns/?raised_from=2026-06-10&raised_to=2026-06-01")
    assert response.status_code == 400
    assert "the end of the range comes before its start" in response.content.decode()
    long = signed_in(cast.dsl).get("/concerns/?q=" + "word+" * 100)
    assert long.status_code == 400  # longer than 200 characters: refused, named
    assert "Search" in long.content.decode()


def test_the_overdue_list_shows_every_overdue_step_of_cases_the_viewer_may_open(
    cast: Cast,
) -> None:
    ordinary = public_concern(cast.organisation)
    services.concern_triage(
        actor=cast.dsl, concern=ordinary, answers=immediate_risk(), risk_note="Threats."
    )
    allegation = _allegation(cast)
    services.concern_triage(
        actor=cast.dsl, concern=allegation, answers=immediate_risk(), risk_note="Serious."
    )
    factories.learner(cast.organisation)
    past = timezone.now() - timedelta(hours=2)
    ordinary.steps.filter(key="report_dso").update(due_at=past)
    allegation.steps.filter(key="refer_lado").update(due_at=past)
    dsl = signed_in(cast.dsl).get("/concerns/tasks/").content.decode()
    assert ordinary.reference in dsl and allegation.reference in dsl
    assert dsl.count("Overdue</span>") == 2
    deputy = signed_in(cast.deputy).get("/concerns/tasks/").content.decode()
    assert ordinary.reference in deputy and allegation.reference not in deputy
    [viewed, *_] = AuditEvent.objects.filter(action=AuditAction.CONCERN_TASKS_VIEWED)
    assert viewed.details["show"] == "overdue" and viewed.details["count"] == 2
