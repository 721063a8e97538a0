"""The retention pages (LOG-2, ORG-7): the schedule with the basis of each line, for the DSL
and who runs the organisation; the review list and destruction for the DSL only, a page at a
time, its read audited; a refusal on a page changes nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.pure.retention import SCHEDULE
from chaperon.governance.models import TrainingCompletion
from chaperon.people.models import StaffMember
from chaperon.people.roles import Role
from chaperon.retention.models import RetentionDestruction, RetentionPeriod
from tests import factories
from tests.conftest import Cast, signed_in
from tests.retention.helpers import learner_with_file, left_years_ago, snapshot

pytestmark = [pytest.mark.clause("LOG-2"), pytest.mark.clause("ORG-7")]


def test_the_schedule_shows_every_line_with_its_basis(cast: Cast) -> None:
    page = signed_in(cast.dsl).get("/retention/")

    assert page.status_code == 200
    text = page.content.decode()
    for entry in SCHEDULE:
        assert entry.label in text
    assert "Keeping children safe in education" in text
    assert "Destroyed by Chaperon" in text  # recordings and meeting records, as today
    assert "Set the period" in text


def test_who_runs_the_organisation_reads_the_schedule_without_changing_it(cast: Cast) -> None:
    page = signed_in(cast.admin).get("/retention/")

    assert page.status_code == 200
    assert "Set the period" not in page.content.decode()
    refused = signed_in(cast.admin).post(
        "/retention/periods/", {"kind": "concern_file", "years": "30"}
    )
    assert refused.status_code == 403
    assert not RetentionPeriod.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "slt", "board"])
def test_staff_without_the_permission_do_not_see_the_schedule(cast: Cast, who: str) -> None:
    assert signed_in(cast.user(who)).get("/retention/").status_code == 403


def test_a_shorter_period_without_a_reason_is_refused_on_the_page(cast: Cast) -> None:
    page = signed_in(cast.dsl).post(
        "/retention/periods/", {"kind": "aup_and_training", "years": "3", "reason": ""}
    )

    assert page.status_code == 400
    assert "shorter than the schedule" in page.content.decode()
    assert not RetentionPeriod.objects.exists()


def test_a_shorter_period_with_its_reason_is_shown_on_the_schedule(cast: Cast) -> None:
    dsl = signed_in(cast.dsl)
    done = dsl.post(
        "/retention/periods/",
        {"kind": "aup_and_training", "years": "3", "reason": "Copies only: HR keeps the file."},
    )
    assert done.status_code == 302

    text = dsl.get("/retention/").content.decode()

    assert "Shorter than the schedule" in text
    assert "Copies only: HR keeps the file." in text


@pytest.mark.parametrize("who", ["deputy", "admin", "teacher"])
def test_only_the_dsl_opens_the_review_list(cast: Cast, who: str) -> None:
    events = AuditEvent.objects.count()

    assert signed_in(cast.user(who)).get("/retention/review/").status_code == 403
    assert AuditEvent.objects.count() == events


def test_the_review_list_is_audited_and_cut_into_pages(cast: Cast) -> None:
    for number in range(27):
        learner_with_file(cast, date(1990, 1, 1 + number % 28), first_name=f"Case{number}")

    dsl = signed_in(cast.dsl)
    first = dsl.get("/retention/review/?kind=concern_file")
    second = dsl.get("/retention/review/?kind=concern_file&page=2")

    assert first.status_code == second.status_code == 200
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 2
    assert "27 due" in first.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_REVIEW_VIEWED).count() == 2


def test_an_unknown_list_is_not_found(cast: Cast) -> None:
    assert signed_in(cast.dsl).get("/retention/review/?kind=recording").status_code == 404


def test_destruction_needs_the_box_ticked(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    before = snapshot(staff)

    page = signed_in(cast.dsl).post(f"/retention/review/staff/{staff.pk}/destroy/", {})

    assert page.status_code == 400
    after = snapshot(staff)
    assert after["completions"] == before["completions"]
    assert after["certificates"] == 0


def test_the_dsl_confirms_a_destruction_on_the_page(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    dsl = signed_in(cast.dsl)
    confirm = dsl.get(f"/retention/review/staff/{staff.pk}/destroy/")
    assert confirm.status_code == 200
    assert "1 training record and 1 acceptable use agreement" in confirm.content.decode()

    done = dsl.post(f"/retention/review/staff/{staff.pk}/destroy/", {"confirm": "on"})

    assert done.status_code == 302
    assert not TrainingCompletion.objects.filter(staff=staff).exists()
    assert RetentionDestruction.objects.count() == 1
    assert StaffMember.objects.filter(pk=staff.pk).exists()


def test_the_destruction_page_of_someone_not_due_is_not_found(cast: Cast) -> None:
    assert (
        signed_in(cast.dsl)
        .get(f"/retention/review/staff/{cast.teacher.staff.pk}/destroy/")
        .status_code
        == 404
    )


def test_the_dsl_of_another_organisation_cannot_destroy_here(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    before = snapshot(staff)

    page = signed_in(cast.outsider).post(
        f"/retention/review/staff/{staff.pk}/destroy/", {"confirm": "on"}
    )

    assert page.status_code == 404
    assert snapshot(staff) == before


def test_a_hold_placed_from_the_list_shows_and_is_released(cast: Cast) -> None:
    learner = learner_with_file(cast, date(1995, 3, 3), first_name="Held")
    other = factories.learner(cast.other_organisation)
    dsl = signed_in(cast.dsl)

    placed = dsl.post(
        "/retention/holds/",
        {"kind": "concern_file", "learner_id": learner.pk, "reason": "Court order to keep."},
    )
    assert placed.status_code == 302
    assert "Court order to keep." in dsl.get("/retention/review/").content.decode()
    assert (
        dsl.post(
            "/retention/holds/", {"kind": "concern_file", "learner_id": other.pk, "reason": "x"}
        ).status_code
        == 404
    )

    hold_id = dsl.get("/retention/review/").context["holds"].rows[0].pk
    released = dsl.post(
        f"/retention/holds/{hold_id}/release/",
        {"kind": "concern_file", "release_reason": "The order ended."},
    )
    assert released.status_code == 302
    assert "Court order to keep." not in dsl.get("/retention/review/").content.decode()


def _queries_for_review_page(cast: Cast) -> int:
    dsl = signed_in(cast.dsl)
    dsl.get("/retention/review/?kind=aup_and_training")  # the session's first reads
    with CaptureQueriesContext(connection) as queries:
        assert dsl.get("/retention/review/?kind=aup_and_training").status_code == 200
    return len(queries)


def test_the_review_list_costs_the_same_queries_for_two_records_or_twenty(cast: Cast) -> None:
    for number in range(2):
        member = factories.staff(cast.organisation, Role.TEACHER, name=f"Kim Leaver{number}")
        left_years_ago(cast, member, 8)
    few = _queries_for_review_page(cast)
    for number in range(2, 20):
        member = factories.staff(cast.organisation, Role.TEACHER, name=f"Kim Leaver{number}")
        left_years_ago(cast, member, 8)

    assert _queries_for_review_page(cast) == few
