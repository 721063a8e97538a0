"""Importing learners: every row checked first, all or nothing, matched on external id."""

from datetime import date

import pytest
from django.db import IntegrityError

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.services import record
from chaperon.people.imports import ImportResult, Progress, people_import
from chaperon.people.imports.report import ProgressCallback
from chaperon.people.models import Learner
from tests.conftest import Cast
from tests.people.test_import_helpers import audit_actions, csv_text, everything, last_audit_seq

HEADER = "external_id,first_name,last_name,date_of_birth,year_group,adult_at_risk"
GOOD = csv_text(
    HEADER,
    "L001,Ava,Brookfield,2012-05-17,Year 8,no",
    "L002,Ben,Carrow,03/11/2011,Year 9,",
    "L003,Cleo,Dunmore,1/2/2005,Adult learning,Yes",
)


def learners_import(
    cast: Cast, text: str, progress: ProgressCallback | None = None
) -> ImportResult:
    return people_import(
        actor=cast.dsl,
        organisation=cast.organisation,
        kind="learners",
        text=text,
        progress=progress,
    )


def test_a_good_file_creates_each_learner_and_audits_them(cast: Cast) -> None:
    since = last_audit_seq()

    result = learners_import(cast, GOOD)

    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, ())
    imported = {
        learner.external_id: learner
        for learner in Learner.objects.filter(organisation=cast.organisation).exclude(
            external_id=""
        )
    }
    assert sorted(imported) == ["L001", "L002", "L003"]
    assert imported["L001"].date_of_birth == date(2012, 5, 17)
    assert imported["L002"].date_of_birth == date(2011, 11, 3)  # DD/MM/YYYY, as MIS exports
    assert imported["L003"].date_of_birth == date(2005, 2, 1)
    assert (imported["L002"].adult_at_risk, imported["L003"].adult_at_risk) == (False, True)
    assert imported["L003"].year_group == "Adult learning"
    assert audit_actions(since) == [AuditAction.LEARNER_CREATED] * 3 + [AuditAction.PEOPLE_IMPORTED]
    summary = AuditEvent.objects.get(action=AuditAction.PEOPLE_IMPORTED)
    assert summary.actor_id == cast.dsl.pk
    assert summary.organisation_id == cast.organisation.pk
    assert summary.details == {
        "kind": "learners",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    created = AuditEvent.objects.filter(action=AuditAction.LEARNER_CREATED, id__gt=since)
    assert {event.object_id for event in created} == {
        str(pk) for pk in (learner.pk for learner in imported.values())
    }


def test_a_file_with_several_bad_rows_reports_every_one_and_changes_nothing(cast: Cast) -> None:
    learners_import(cast, GOOD)
    before = everything()
    since = last_audit_seq()
    bad = csv_text(
        HEADER,
        "L001,Ava,Brookfield,2012-05-17,Year 10,no",  # a good change, not written
        "L004,Dev,Ellery,31/02/2012,Year 7,no",
        "L005,,Fairbank,2012-01-09,Year 7,no",
        "L006,Gus,Hale,2099-01-01,Year 7,no",
        "L007,Ivy,Jessop,2012-03-04,Year 7,perhaps",
        "L002,Ben,Carrow,03/11/2011,Year 9,no",  # fine, but L002 is on line 3 as well
        "L002,Bea,Carrow,04/11/2011,Year 9,no",
        "L008,Kit,Lorne,12/03/12,Year 7,no",
        "L009,Lou,Marsh,2012-03-04,Year 7",
    )

    result = learners_import(cast, bad)

    assert result.refused
    assert [(error.line, error.column) for error in result.errors] == [
        (3, "date_of_birth"),
        (4, "first_name"),
        (5, "date_of_birth"),
        (6, "adult_at_risk"),
        (8, "external_id"),
        (9, "date_of_birth"),
        (10, ""),
    ]
    messages = [error.message for error in result.errors]
    assert "“31/02/2012” is not a date in the calendar" in messages[0]
    assert "YYYY-MM-DD or DD/MM/YYYY" in messages[0]
    assert messages[1] == "is empty; it is required"
    assert "is in the future" in messages[2]
    assert "“perhaps” is not yes or no" in messages[3]
    assert "“L002” is also on line 7" in messages[4]
    assert "two-digit year" in messages[5]
    assert "has 5 values but the header names 6 columns" in messages[6]
    assert str(result.errors[0]).startswith("line 3, column date_of_birth: ")
    # Nothing written; the refusal itself is audited, with how many problems there were.
    after = everything()
    refusal = after["AuditEvent"].pop()
    assert after == before
    assert audit_actions(since) == [AuditAction.PEOPLE_IMPORT_REFUSED]
    assert refusal["data"] == '{"errors":7,"kind":"learners","rows":9}'


def test_importing_the_same_file_twice_changes_nothing(cast: Cast) -> None:
    learners_import(cast, GOOD)
    before = everything()
    since = last_audit_seq()

    result = learners_import(cast, GOOD)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = everything()
    summary = after["AuditEvent"].pop()
    assert after == before  # no record touched, no event for any unchanged row
    assert audit_actions(since) == [AuditAction.PEOPLE_IMPORTED]
    assert '"unchanged":3' in summary["data"]


def test_changing_one_row_updates_only_that_learner(cast: Cast) -> None:
    learners_import(cast, GOOD)
    before = {row["id"]: row for row in Learner.objects.values()}
    since = last_audit_seq()

    result = learners_import(
        cast,
        GOOD.replace("L002,Ben,Carrow,03/11/2011,Year 9", "L002,Ben,Carrow,03/11/2011,Year 10"),
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    after = {row["id"]: row for row in Learner.objects.values()}
    changed = Learner.objects.get(external_id="L002")
    assert changed.year_group == "Year 10"
    assert {pk: row for pk, row in after.items() if pk != changed.pk} == {
        pk: row for pk, row in before.items() if pk != changed.pk
    }
    assert audit_actions(since) == [AuditAction.LEARNER_UPDATED, AuditAction.PEOPLE_IMPORTED]
    update = AuditEvent.objects.filter(id__gt=since).order_by("id")[0]
    assert (update.object_id, update.details) == (str(changed.pk), {"changed": ["year_group"]})


def test_a_learner_added_by_hand_is_matched_by_name_and_date_of_birth(cast: Cast) -> None:
    # Robin Alder was added by hand (no external id), born 17 May 2012.
    text = csv_text(HEADER, "L100,Robin,Alder,17/05/2012,Year 8,no")

    result = learners_import(cast, text)

    assert (result.created, result.updated) == (0, 1)
    cast.learner.refresh_from_db()
    assert (cast.learner.external_id, cast.learner.year_group) == ("L100", "Year 8")
    assert Learner.objects.filter(organisation=cast.organisation).count() == 1


def test_an_optional_column_left_out_leaves_what_records_hold(cast: Cast) -> None:
    learners_import(cast, GOOD)
    before = everything()

    result = learners_import(
        cast,
        csv_text(
            "external_id,first_name,last_name,date_of_birth",
            "L001,Ava,Brookfield,2012-05-17",
            "L003,Cleo,Dunmore,01/02/2005",
        ),
    )

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    after = everything()
    after["AuditEvent"].pop()  # the summary
    assert after == before
    assert Learner.objects.get(external_id="L003").adult_at_risk is True


def test_a_large_file_imports_and_reports_its_progress(cast: Cast) -> None:
    rows = 5000
    lines = [HEADER] + [
        f"M{n:05d},Pupil{n},Sample{n},{1 + n % 28:02d}/{1 + n % 12:02d}/2011,Year {7 + n % 5},no"
        for n in range(rows)
    ]
    reports: list[Progress] = []

    result = learners_import(cast, csv_text(*lines), progress=reports.append)

    assert (result.created, result.errors) == (rows, ())
    assert Learner.objects.filter(external_id__startswith="M").count() == rows
    checking = [report.checked for report in reports if report.phase == "checking"]
    writing = [report.written for report in reports if report.phase == "writing"]
    assert len(checking) >= 50 and len(writing) >= 50
    assert checking == sorted(checking) and checking[-1] == rows
    assert writing == sorted(writing) and writing[-1] == rows
    assert all(report.total == rows for report in reports)
    assert all(report.checked == rows for report in reports if report.phase == "writing")


def test_a_failure_while_saving_leaves_nothing_half_written(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = everything()
    calls = []

    def failing_record(**event: object) -> None:
        calls.append(event)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        record(**event)  # type: ignore[arg-type]

    monkeypatch.setattr("chaperon.people.imports.plans.record", failing_record)

    with pytest.raises(RuntimeError):
        learners_import(cast, GOOD)

    assert len(calls) == 3  # two learners were written and audited before the failure
    assert everything() == before


def test_a_record_added_meanwhile_refuses_the_file_and_changes_nothing(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = everything()

    def clashing_insert(*args: object, **kwargs: object) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Learner.objects, "bulk_create", clashing_insert)

    result = learners_import(cast, GOOD)

    assert [str(error) for error in result.errors] == [
        "the file: the records changed while this file was being imported (someone else added "
        "a person with the same external id or email address); nothing was written, upload the "
        "file again"
    ]
    after = everything()
    assert after["AuditEvent"].pop()["action"] == AuditAction.PEOPLE_IMPORT_REFUSED
    assert after == before


def test_a_learners_own_email_is_imported_and_checked(cast: Cast) -> None:
    header = "external_id,first_name,last_name,date_of_birth,email"
    result = learners_import(
        cast, csv_text(header, "L010,Dee,Ember,2007-01-09,dee@college.example")
    )
    assert result.created == 1
    assert Learner.objects.get(external_id="L010").email == "dee@college.example"
    refused = learners_import(cast, csv_text(header, "L011,Eli,Fenn,2007-02-09,not-an-address"))
    assert [(error.line, error.column) for error in refused.errors] == [(2, "email")]
    assert not Learner.objects.filter(external_id="L011").exists()


def test_the_tutor_group_is_imported_and_kept_to_one_line(cast: Cast) -> None:
    text = csv_text(
        "external_id,first_name,last_name,date_of_birth,tutor_group",
        "L201,Ivy,Fenwick,2012-05-17,8A",
        'L202,Jon,Fenwick,2012-05-17,"8\nB"',
    )

    result = learners_import(cast, text)

    assert len(result.errors) == 1 and "column tutor_group" in str(result.errors[0])
    assert not Learner.objects.filter(external_id__in=["L201", "L202"]).exists()
    fixed = learners_import(cast, text.replace('"8\nB"', "8B"))
    assert fixed.created == 2
    assert dict(
        Learner.objects.filter(external_id__in=["L201", "L202"]).values_list(
            "external_id", "tutor_group"
        )
    ) == {"L201": "8A", "L202": "8B"}
