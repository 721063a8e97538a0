"""Filtering and monitoring reports (ORG-5): importing a report all or nothing, matching its
user names to the organisation's people only, reading its entries (audited), raising a
concern from an entry once, and the record of termly checks and yearly reviews."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, ConcernKind, ConcernType, FourCs
from chaperon.core.exceptions import ValidationFailed
from chaperon.governance import filtering_csv
from chaperon.governance.models import (
    FilterCheck,
    FilterCheckKind,
    FilterEntry,
    FilterReport,
)
from chaperon.governance.selectors import filtering_oversight
from chaperon.governance.services import (
    filter_check_record,
    filter_entry_raise_concern,
    filter_report_import,
)
from chaperon.governance.services import filtering as filtering_services
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.governance.filtering_helpers import imported_report, report_csv

pytestmark = pytest.mark.clause("ORG-5")


def _counts() -> tuple[int, int, int, int]:
    return (
        FilterReport.objects.count(),
        FilterEntry.objects.count(),
        Concern.objects.count(),
        FilterCheck.objects.count(),
    )


def _upload(client: Client, text: str, name: str = "filter.csv") -> Any:
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post("/governance/filtering/upload/", {"file": upload})


def test_a_good_file_imports_with_each_user_name_matched(cast: Cast) -> None:
    learner = factories.learner(
        cast.organisation, first_name="Alex", external_id="L-0042", email="alex@pupils.example"
    )
    text = report_csv(
        "2025-11-30T10:15:00,L-0042,https://harm.example/search?q=private,Self Harm,flagged,"
        "LIB-PC-04,",
        f"2025-11-30T11:00:00Z,{cast.teacher.email.upper()},casino.example,GAMBLING,Blocked,,",
        "2025-11-30T11:30:00+00:00,ALEX@pupils.example,news.example,piracy,allowed,,",
        "2025-11-30T12:00:00,guest-wifi-17,game.example,violence,blocked,,a detail",
    )

    response = _upload(signed_in(cast.dsl), text)

    report = FilterReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/governance/filtering/{report.pk}/"
    assert (report.entry_count, report.serious_count, report.unmatched_count) == (4, 2, 1)
    assert report.imported_by == cast.dsl
    first, second, third, fourth = report.entries.order_by("line")
    assert (first.learner, first.domain, first.category, first.serious) == (
        learner,
        "harm.example",  # only the domain is kept, never the path or the search words
        "self_harm",
        True,
    )
    assert (second.staff_user, second.action, second.serious) == (cast.teacher, "blocked", False)
    assert third.learner == learner  # by the learner's email, capitals ignored
    assert (fourth.learner, fourth.staff_user, fourth.user_name) == (None, None, "guest-wifi-17")
    assert fourth.detail == "a detail"
    event = AuditEvent.objects.get(action=AuditAction.FILTER_REPORT_IMPORTED)
    assert event.details == {"report": report.pk, "entries": 4, "serious": 2, "unmatched": 1}


def test_a_time_without_an_offset_is_the_organisations(cast: Cast) -> None:
    text = report_csv("2025-06-30T10:15:00,someone,a.example,drugs,blocked,,")
    outcome = filter_report_import(actor=cast.dsl, organisation=cast.organisation, text=text)

    assert outcome.report is not None
    entry = outcome.report.entries.get()
    assert entry.occurred_at == datetime(2025, 6, 30, 9, 15, tzinfo=UTC)  # London in summer


def test_a_file_with_bad_rows_is_refused_with_every_problem_and_nothing_kept(cast: Cast) -> None:
    text = report_csv(
        "2025-11-30T10:15:00,L-1,a.example,drugs,blocked,,",
        "30/11/2025 10:15,L-2,b.example,drugs,blocked,,",
        "2025-11-30T10:15:00,L-3,c.example,drugs,ignored,,",
        "2025-11-30T10:15:00,,not a domain,drugs,blocked,,",
        "2025-11-30,L-5,e.example,drugs,blocked,,",
        "2099-01-01T10:00:00,L-6,f.example,drugs,blocked,,",
    )
    before = _counts()

    response = _upload(signed_in(cast.dsl), text)

    assert response.status_code == 400
    assert _counts() == before
    page = response.content.decode()
    assert "The file was not imported: nothing is kept" in page
    errors = response.context["refused"]
    assert [(error.line, error.column) for error in errors] == [
        (3, "occurred_at"),
        (4, "action"),
        (5, "url"),
        (5, "user"),
        (6, "occurred_at"),
        (7, "occurred_at"),
    ]
    messages = {(error.line, error.column): error.message for error in errors}
    assert "2026-11-30T14:05:00" in messages[(3, "occurred_at")]
    assert "use blocked, allowed or flagged" in messages[(4, "action")]
    assert "give the site's domain" in messages[(5, "url")]
    assert "every row needs it" in messages[(5, "user")]
    assert "give the time as well as the date" in messages[(6, "occurred_at")]
    assert "is in the future" in messages[(7, "occurred_at")]
    assert "line 4, column action:" in page


def test_an_unknown_category_lists_the_accepted_ones(cast: Cast) -> None:
    text = report_csv("2025-11-30T10:15:00,L-1,a.example,adult,blocked,,")

    outcome = filter_report_import(actor=cast.dsl, organisation=cast.organisation, text=text)

    assert outcome.report is None
    [error] = outcome.errors
    assert (error.line, error.column) == (2, "category")
    assert "'adult' is not a category" in error.message
    assert "child_sexual_exploitation (Child sexual exploitation)" in error.message
    assert "self_harm (Self harm)" in error.message
    assert FilterReport.objects.count() == 0


def test_missing_and_unknown_columns_are_named(cast: Cast) -> None:
    text = report_csv("2025-11-30T10:15:00,L-1,drugs,x", header="occurred_at,user,category,colour")

    outcome = filter_report_import(actor=cast.dsl, organisation=cast.organisation, text=text)

    assert [(error.line, error.column) for error in outcome.errors] == [
        (1, "action"),
        (1, "colour"),
        (1, "domain"),
    ]
    assert FilterReport.objects.count() == 0


def test_a_file_over_the_limits_is_refused_with_what_to_do(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filtering_csv, "MAX_ROWS", 2)
    rows = [f"2025-11-30T10:1{n}:00,L-{n},a.example,drugs,blocked,," for n in range(3)]

    outcome = filter_report_import(
        actor=cast.dsl, organisation=cast.organisation, text=report_csv(*rows)
    )

    [error] = outcome.errors
    assert "has 3 rows; at most 2 are accepted in one file: split it" in error.message
    monkeypatch.setattr(filtering_csv, "MAX_BYTES", 100)
    outcome = filter_report_import(
        actor=cast.dsl, organisation=cast.organisation, text=report_csv(*rows)
    )
    assert "split it into smaller files" in outcome.errors[0].message
    assert FilterReport.objects.count() == 0


def test_another_organisations_people_are_never_matched(cast: Cast) -> None:
    cast.outsider_learner.external_id = "L-OUT"
    cast.outsider_learner.save(update_fields=["external_id"])
    text = report_csv(
        "2025-11-30T10:15:00,L-OUT,a.example,extremism,flagged,,",
        f"2025-11-30T10:16:00,{cast.outsider.email},b.example,extremism,flagged,,",
    )

    outcome = filter_report_import(actor=cast.dsl, organisation=cast.organisation, text=text)

    assert outcome.report is not None
    assert outcome.report.unmatched_count == 2
    assert not outcome.report.entries.filter(learner__isnull=False).exists()
    assert not outcome.report.entries.filter(staff_user__isnull=False).exists()


def test_the_entries_filter_to_the_serious_ones_and_by_category_and_reading_is_audited(
    cast: Cast,
) -> None:
    report = imported_report(cast)
    client = signed_in(cast.dsl)

    everything = client.get(f"/governance/filtering/{report.pk}/")
    serious = client.get(f"/governance/filtering/{report.pk}/?serious=on")
    gambling = client.get(f"/governance/filtering/{report.pk}/?category=gambling")

    assert everything.status_code == serious.status_code == gambling.status_code == 200
    assert [entry.domain for entry in everything.context["listing"].rows] == [
        "harmful.example",
        "casino.example",
        "game.example",
    ]
    assert [entry.domain for entry in serious.context["listing"].rows] == [
        "harmful.example",
        "game.example",
    ]
    assert [entry.domain for entry in gambling.context["listing"].rows] == ["casino.example"]
    page = everything.content.decode()
    assert "Robin Alder" in page and "Terry Finch" in page and "guest-wifi-17" in page
    assert "(not matched)" in page
    viewed = AuditEvent.objects.filter(action=AuditAction.FILTER_REPORT_VIEWED).order_by("id")
    assert [event.details for event in viewed] == [
        {"report": report.pk, "serious_only": False, "category": ""},
        {"report": report.pk, "serious_only": True, "category": ""},
        {"report": report.pk, "serious_only": False, "category": "gambling"},
    ]


def test_a_concern_is_raised_from_a_learners_entry_once(cast: Cast) -> None:
    report = imported_report(cast)
    entry = report.entries.get(learner=cast.learner)
    client = signed_in(cast.dsl)

    response = client.post(f"/governance/filtering/entries/{entry.pk}/raise/")

    assert response.status_code == 302
    concern = Concern.objects.get()
    entry.refresh_from_db()
    assert (concern.learner, concern.kind, concern.raised_by) == (
        cast.learner,
        ConcernKind.CONCERN,
        cast.dsl,
    )
    assert (concern.category, concern.types) == (FourCs.CONTENT, [ConcernType.SELF_HARM])
    assert concern.occurred_on == date(2025, 11, 30)
    assert "harmful.example" in concern.description
    assert "/page" not in concern.description and "q=x" not in concern.description
    assert entry.concern == concern and entry.concern_reference == concern.reference
    event = AuditEvent.objects.get(action=AuditAction.FILTER_ENTRY_CONCERN_RAISED)
    assert event.details == {"report": report.pk, "entry": entry.pk, "concern": concern.pk}
    page = client.get(f"/governance/filtering/{report.pk}/").content.decode()
    assert f"Raised: {concern.reference}" in page

    before = (_counts(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed, match="already raised from this entry"):
        filter_entry_raise_concern(actor=cast.deputy, entry_id=entry.pk)
    again = client.post(f"/governance/filtering/entries/{entry.pk}/raise/")
    assert again.status_code == 302
    assert (_counts(), AuditEvent.objects.count()) == before


def test_a_staff_entry_raises_an_allegation_about_them(cast: Cast) -> None:
    report = imported_report(cast)
    entry = report.entries.get(staff_user=cast.teacher)

    filter_entry_raise_concern(actor=cast.ict, entry_id=entry.pk)

    concern = Concern.objects.get()
    assert (concern.kind, concern.subject_staff, concern.learner) == (
        ConcernKind.ALLEGATION,
        cast.teacher,
        None,
    )
    assert concern.category == FourCs.COMMERCE


def test_an_unmatched_entry_and_someone_elses_entry_raise_nothing(cast: Cast) -> None:
    report = imported_report(cast)
    unmatched = report.entries.get(user_name="guest-wifi-17")
    before = _counts()

    with pytest.raises(ValidationFailed, match="names nobody of the organisation"):
        filter_entry_raise_concern(actor=cast.dsl, entry_id=unmatched.pk)
    with pytest.raises(ValidationFailed, match="no such entry"):
        filter_entry_raise_concern(actor=cast.outsider, entry_id=unmatched.pk)

    assert _counts() == before


@pytest.mark.parametrize("who", ["teacher", "board", "admin"])
def test_those_without_the_permission_are_refused_and_nothing_changes(cast: Cast, who: str) -> None:
    report = imported_report(cast)
    entry = report.entries.get(learner=cast.learner)
    text = report_csv("2025-11-30T10:15:00,L-1,a.example,drugs,blocked,,")
    client = signed_in(cast.user(who))
    before = (_counts(), AuditEvent.objects.count())

    responses = [
        client.get("/governance/filtering/"),
        client.get(f"/governance/filtering/{report.pk}/"),
        _upload(client, text),
        client.post(f"/governance/filtering/entries/{entry.pk}/raise/"),
        client.post(
            "/governance/filtering/checks/",
            {"kind": "check", "checked_on": "2025-11-30", "note": "Looked at it all."},
        ),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    assert (_counts(), AuditEvent.objects.count()) == before
    assert "Filtering" not in client.get("/dashboard/").content.decode()


def test_a_senior_leader_reads_the_reports_but_acts_on_none(cast: Cast) -> None:
    report = imported_report(cast)
    entry = report.entries.get(learner=cast.learner)
    client = signed_in(cast.slt)

    page = client.get(f"/governance/filtering/{report.pk}/")
    before = _counts()
    raised = client.post(f"/governance/filtering/entries/{entry.pk}/raise/")

    assert page.status_code == 200
    assert "Raise a concern" not in page.content.decode()
    assert raised.status_code == 403
    assert _counts() == before


def test_another_organisations_report_is_not_found(cast: Cast) -> None:
    report = imported_report(cast)

    response = signed_in(cast.outsider).get(f"/governance/filtering/{report.pk}/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditAction.FILTER_REPORT_VIEWED, actor_id=cast.outsider.pk
    ).exists()


def test_checks_and_reviews_say_when_each_is_overdue(cast: Cast) -> None:
    never = filtering_oversight(cast.dsl, today=date(2026, 12, 2))
    assert (never.check_overdue, never.review_overdue) == (True, True)

    filter_check_record(
        actor=cast.ict, kind="check", note="Read the autumn reports.", checked_on=date(2026, 9, 2)
    )
    filter_check_record(
        actor=cast.dsl,
        kind="review",
        note="Reviewed provider and rules.",
        checked_on=date(2025, 12, 2),
    )

    on_time = filtering_oversight(cast.dsl, today=date(2026, 12, 2))
    assert on_time.last_check is not None and on_time.last_check.checked_on == date(2026, 9, 2)
    assert on_time.last_review is not None
    assert on_time.last_review.checked_on == date(2025, 12, 2)
    assert (on_time.check_overdue, on_time.review_overdue) == (False, False)
    late = filtering_oversight(cast.dsl, today=date(2026, 12, 3))
    assert (late.check_overdue, late.review_overdue) == (False, True)
    later = filtering_oversight(cast.dsl, today=date(2027, 1, 3))
    assert (later.check_overdue, later.review_overdue) == (True, True)
    event = AuditEvent.objects.filter(action=AuditAction.FILTER_CHECK_RECORDED).last()
    assert event is not None
    assert event.details["kind"] == "review" and "note" not in event.details


def test_the_page_says_plainly_when_checks_are_overdue(cast: Cast) -> None:
    today = cast.organisation.today()
    client = signed_in(cast.dsl)

    first = client.get("/governance/filtering/").content.decode()
    assert "The reports have never been checked here." in first
    assert "The filtering and monitoring have never been reviewed here." in first

    recorded = client.post(
        "/governance/filtering/checks/",
        {"kind": "review", "checked_on": today.isoformat(), "note": "Yearly review done."},
    )
    assert recorded.status_code == 302
    page = client.get("/governance/filtering/").content.decode()
    assert "never been" not in page and "more than" not in page
    assert FilterCheck.objects.get().kind == FilterCheckKind.REVIEW


def test_a_check_without_a_note_or_in_the_future_is_refused(cast: Cast) -> None:
    response = signed_in(cast.deputy).post(
        "/governance/filtering/checks/",
        {"kind": "check", "checked_on": "2099-01-01", "note": " "},
    )

    assert response.status_code == 400
    assert FilterCheck.objects.count() == 0
    with pytest.raises(ValidationFailed) as refused:
        filter_check_record(actor=cast.dsl, kind="check", note="", checked_on=date(2099, 1, 1))
    assert set(refused.value.errors) == {"note", "checked_on"}
    assert FilterCheck.objects.count() == 0


def test_a_concern_raised_from_the_same_entry_at_the_same_moment_is_refused(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a database without row locks, the entry is still claimed only once: here another
    click's concern reaches the entry while this one is being raised."""
    report = imported_report(cast)
    entry = report.entries.get(learner=cast.learner)
    other = public_concern(cast.organisation)
    raise_for_real = filtering_services.concerns.concern_raise

    def raced(**arguments: Any) -> Concern:
        FilterEntry.objects.filter(pk=entry.pk).update(concern=other, concern_reference="SG-X")
        return raise_for_real(**arguments)

    monkeypatch.setattr(filtering_services.concerns, "concern_raise", raced)
    before = Concern.objects.count()

    with pytest.raises(ValidationFailed, match="at the same moment"):
        filter_entry_raise_concern(actor=cast.dsl, entry_id=entry.pk)

    assert Concern.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.FILTER_ENTRY_CONCERN_RAISED).exists()


def test_a_reports_page_takes_the_same_number_of_queries_however_many_entries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(cast.dsl)
    small = imported_report(cast)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/governance/filtering/{small.pk}/")
    people = [factories.learner(cast.organisation, external_id=f"L-{n}") for n in range(8)]
    rows = [
        f"2025-11-30T10:{n:02d}:00,{person.external_id},x{n}.example,violence,blocked,,"
        for n, person in enumerate(people)
    ]
    outcome = filter_report_import(
        actor=cast.dsl, organisation=cast.organisation, text=report_csv(*rows)
    )
    assert outcome.report is not None

    with django_assert_max_num_queries(len(few)):
        response = client.get(f"/governance/filtering/{outcome.report.pk}/")

    assert len(response.context["listing"].rows) == 8


def test_nobody_is_offered_or_may_raise_an_allegation_about_themselves(cast: Cast) -> None:
    text = report_csv(f"2025-11-30T10:15:00,{cast.ict.email},a.example,malware,blocked,,")
    outcome = filter_report_import(actor=cast.dsl, organisation=cast.organisation, text=text)
    assert outcome.report is not None
    entry = outcome.report.entries.get()

    theirs = signed_in(cast.ict).get(f"/governance/filtering/{outcome.report.pk}/")
    dsls = signed_in(cast.dsl).get(f"/governance/filtering/{outcome.report.pk}/")

    assert "Raise a concern" not in theirs.content.decode()
    assert "Raise a concern" in dsls.content.decode()
    before = _counts()
    with pytest.raises(ValidationFailed, match="This entry is about you"):
        filter_entry_raise_concern(actor=cast.ict, entry_id=entry.pk)
    assert _counts() == before
