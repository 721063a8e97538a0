"""Fictional filtering reports for the tests (ORG-5)."""

from chaperon.governance.models import FilterReport
from chaperon.governance.services import filter_report_import
from tests.conftest import Cast

HEADER = "occurred_at,user,url,category,action,device,detail"


def report_csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def imported_report(cast: Cast) -> FilterReport:
    """A report of three entries: the cast's learner (serious), the teacher, and a user name
    that matches nobody."""
    learner = cast.learner
    learner.external_id = learner.external_id or "L-ROBIN"
    learner.save(update_fields=["external_id"])
    text = report_csv(
        f"2025-11-30T10:15:00,{learner.external_id},https://harmful.example/page?q=x,"
        "self harm,flagged,LIB-PC-04,",
        f"2025-11-30T11:00:00,{cast.teacher.email},casino.example,gambling,blocked,,",
        "2025-11-30T12:00:00,guest-wifi-17,https://game.example/,violence,blocked,,",
    )
    outcome = filter_report_import(actor=cast.dsl, organisation=cast.organisation, text=text)
    assert outcome.report is not None, outcome.errors
    return outcome.report
