"""The import pages in a real browser: keyboard and screen-reader friendly, and the job page
following its import through our own script."""

import pytest
from playwright.sync_api import Page, expect

from chaperon.people.imports.jobs import import_job_create
from chaperon.people.imports.progress import progress_save
from chaperon.people.imports.report import Progress
from chaperon.people.models import ImportJob, ImportStatus, Learner
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in
from tests.people.test_import_helpers import csv_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "external_id,first_name,last_name,date_of_birth"
GOOD = csv_text(HEADER, "L001,Ava,Brookfield,2012-05-17", "L002,Ben,Carrow,03/11/2011")
BAD = csv_text(HEADER, "L001,Ava,Brookfield,2012-05-17", "L002,Ben,,3/11/11")


def as_dsl(page: Page, cast: Cast, live_server) -> Page:
    return sign_in_page(page, live_server.url, signed_in(cast.dsl).cookies["sessionid"].value)


def choose_and_upload(page: Page, text: str) -> None:
    page.get_by_label("Learners").check()
    page.get_by_label("CSV file").set_input_files(
        {"name": "pupils.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Upload and import").click()


def test_a_dsl_imports_a_file_and_corrects_a_bad_one(
    cast: Cast,
    live_server,
    page: Page,
) -> None:
    as_dsl(page, cast, live_server)
    page.goto(f"{live_server.url}/import/")
    expect(page.get_by_role("heading", name="Import people", exact=True)).to_be_visible()
    assert_accessible(page)

    choose_and_upload(page, BAD)
    expect(page.get_by_role("heading", name="Learners from pupils.csv")).to_be_visible()
    problems = page.get_by_role("table", name="Problems in pupils.csv")
    expect(problems.get_by_role("row")).to_have_count(3)
    expect(problems.get_by_role("row").nth(1)).to_contain_text("last_name")
    expect(problems.get_by_role("row").nth(2)).to_contain_text("two-digit year")
    assert_accessible(page)
    assert not Learner.objects.filter(external_id="L001").exists()

    page.get_by_role("link", name="upload it again").click()
    choose_and_upload(page, GOOD)
    expect(page.get_by_text("Imported 2 rows: 2 added, 0 changed, 0 unchanged.")).to_be_visible()
    assert_accessible(page)

    assert Learner.objects.filter(external_id__in=["L001", "L002"]).count() == 2


def test_the_job_page_follows_the_import_until_its_result(
    cast: Cast,
    live_server,
    page: Page,
) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="big.csv", text=GOOD)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    progress_save(job.pk, Progress("checking", checked=100, written=0, total=400))

    as_dsl(page, cast, live_server)
    page.goto(f"{live_server.url}/import/jobs/{job.pk}/")
    bar = page.get_by_role("progressbar", name="Step 1 of 2: checking every row")
    expect(bar).to_have_attribute("value", "100")
    # The script has taken over: no need to refresh by hand.
    expect(page.get_by_role("link", name="Refresh this page")).to_be_hidden()
    assert_accessible(page)

    progress_save(job.pk, Progress("writing", checked=400, written=200, total=400))
    expect(page.get_by_role("progressbar", name="Step 2 of 2: saving")).to_have_attribute(
        "value", "200"
    )
    expect(page.get_by_role("status")).to_have_text("Saving: 200 of 400 rows saved.")

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, total_rows=400, created_count=400
    )
    expect(
        page.get_by_text("Imported 400 rows: 400 added, 0 changed, 0 unchanged.")
    ).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page)
