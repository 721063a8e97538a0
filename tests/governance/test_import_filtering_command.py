"""``chaperon import_filtering``: a filtering report imported from the command line, as a
named member of staff, all or nothing, with every problem printed (ORG-5)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.governance.models import FilterEntry, FilterReport
from tests.conftest import Cast

from .filtering_helpers import report_csv

pytestmark = pytest.mark.clause("ORG-5")


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_filtering", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_report_is_imported_by_the_member_of_staff_named(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "filter-week-48.csv"
    path.write_text(
        report_csv(
            f"2025-11-30T11:00:00,{cast.teacher.email},casino.example,gambling,blocked,,",
            "2025-11-30T12:00:00,guest-wifi-17,https://game.example/,self harm,flagged,,",
        )
    )
    out, _ = _run(str(path), "--organisation", cast.organisation.slug, "--as", cast.dsl.email)
    assert "Imported 2 entries from filter-week-48.csv: 1 serious, 1 not matched" in out
    report = FilterReport.objects.get()
    assert (report.imported_by_id, report.file_name) == (cast.dsl.pk, "filter-week-48.csv")
    event = AuditEvent.objects.get(action=AuditAction.FILTER_REPORT_IMPORTED)
    assert event.actor_id == cast.dsl.pk


def test_bad_rows_import_nothing_and_each_is_printed(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        report_csv(
            "yesterday,someone,casino.example,gambling,blocked,,",
            "2025-11-30T12:00:00,someone,casino.example,astrology,blocked,,",
        )
    )
    with pytest.raises(CommandError, match="Not imported: 2 problems") as refused:
        _run(str(path), "--organisation", cast.organisation.slug, "--as", cast.dsl.email)
    assert refused.value is not None
    assert not FilterReport.objects.exists()
    assert not FilterEntry.objects.exists()


def test_the_importer_must_be_allowed_and_of_the_organisation(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "week.csv"
    path.write_text(report_csv("2025-11-30T12:00:00,x,casino.example,gambling,blocked,,"))
    with pytest.raises(CommandError, match=r"does not allow|not allowed|role"):
        _run(str(path), "--organisation", cast.organisation.slug, "--as", cast.teacher.email)
    with pytest.raises(CommandError, match="Nobody at"):
        _run(str(path), "--organisation", cast.organisation.slug, "--as", cast.outsider.email)
    with pytest.raises(CommandError, match="No organisation"):
        _run(str(path), "--organisation", "nowhere", "--as", cast.dsl.email)
    assert not FilterReport.objects.exists()
