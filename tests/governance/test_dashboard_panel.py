"""The dashboard says what governance work is overdue to those who look after it: filtering
reports not checked for a term or reviewed for a year (ORG-5), and staff who have not agreed to
the staff agreement in force (ORG-2). Figures only."""

from datetime import timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.governance.models import Audience
from chaperon.governance.services import aup_publish, aup_sign, filter_check_record
from tests.conftest import Cast, signed_in


@pytest.mark.clause("ORG-5")
def test_the_dsl_is_told_when_the_filtering_checks_are_overdue(cast: Cast) -> None:
    page = signed_in(cast.dsl).get("/dashboard/").content.decode()
    assert "never checked" in page
    assert "never reviewed" in page
    today = cast.organisation.today()
    filter_check_record(
        actor=cast.dsl, kind="check", note="Looked at the week's report.", checked_on=today
    )
    filter_check_record(
        actor=cast.dsl,
        kind="review",
        note="Reviewed the filtering with the ICT lead.",
        checked_on=today - timedelta(days=400),
    )
    page = signed_in(cast.dsl).get("/dashboard/").content.decode()
    assert "never checked" not in page
    assert "not checked since" not in page
    assert "not reviewed since" in page


@pytest.mark.clause("ORG-5")
def test_a_teacher_sees_no_governance_panel(cast: Cast) -> None:
    page = signed_in(cast.teacher).get("/dashboard/").content.decode()
    assert "<h2>Governance</h2>" not in page


@pytest.mark.clause("ORG-2")
def test_the_dsl_sees_how_many_staff_have_not_agreed_without_names_or_an_audit_row(
    cast: Cast,
) -> None:
    version = aup_publish(
        actor=cast.dsl,
        organisation=cast.organisation,
        audience=Audience.STAFF,
        title="Staff agreement",
        text="I use only my school account.",
    )
    aup_sign(actor=cast.dsl, version_id=version.pk)
    aup_sign(actor=cast.teacher, version_id=version.pk)
    before = AuditEvent.objects.filter(action=AuditAction.STAFF_COMPLIANCE_VIEWED).count()
    page = signed_in(cast.dsl).get("/dashboard/").content.decode()
    assert "6 members of staff</a> have not yet agreed" in page
    assert "Toni Marsh" not in page
    after = AuditEvent.objects.filter(action=AuditAction.STAFF_COMPLIANCE_VIEWED).count()
    assert after == before


@pytest.mark.clause("ORG-5")
def test_the_panel_says_when_the_reports_were_last_checked(cast: Cast) -> None:
    long_ago = cast.organisation.today() - timedelta(days=200)
    filter_check_record(actor=cast.dsl, kind="review", note="Reviewed.", checked_on=long_ago)
    page = signed_in(cast.dsl).get("/dashboard/").content.decode()
    # A review counts as a check too: both are 200 days old, past a term, within a year.
    assert f"not checked since {long_ago:%-d %B %Y}" in page
    assert "not reviewed since" not in page
    assert "never" not in page.split("<h2>Governance</h2>")[1].split("</ul>")[0]
