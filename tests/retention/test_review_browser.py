"""In a real browser: the DSL opens Retention from the navigation, goes to the records due,
reviews the agreements and training records of a member of staff who left seven years ago and
confirms their destruction; the audit log certifies it. The review list passes axe-core's
WCAG 2.2 AA rules, as do the schedule and the confirmation."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain
from chaperon.governance.models import AupSignature, TrainingCompletion
from chaperon.retention.models import RetentionDestruction
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.retention.helpers import left_years_ago

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("LOG-2"),
    pytest.mark.clause("ORG-7"),
]


def test_the_dsl_reviews_and_confirms_one_destruction(cast: Cast, live_server, page: Page) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    page = sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention schedule", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Records due for review").click()
    page.get_by_role("link", name="Acceptable use agreements and training records").click()

    due = page.get_by_role("row", name=cast.teacher.full_name)
    expect(due).to_be_visible()
    assert_accessible(page)
    due.get_by_role("link", name="Review and destroy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Destroy the records of {cast.teacher.full_name}"
    )
    assert_accessible(page)
    page.get_by_label("I have reviewed these records").check()
    page.get_by_role("button", name="Destroy these records").click()

    expect(page.get_by_text("2 records destroyed; certified in the audit log")).to_be_visible()
    expect(page.get_by_text("Nothing of this kind is due.")).to_be_visible()
    assert not TrainingCompletion.objects.filter(staff=staff).exists()
    assert not AupSignature.objects.filter(user=cast.teacher).exists()
    certificate = RetentionDestruction.objects.get()
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_RECORDS_DESTROYED)
    assert certificate.audit_hash == event.hash
    assert verify_chain().ok
