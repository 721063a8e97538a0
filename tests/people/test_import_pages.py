"""The import pages: upload, follow the job while it runs, see the result or every problem."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.imports.jobs import import_job_create
from chaperon.people.imports.progress import progress_clear, progress_save
from chaperon.people.imports.report import Progress
from chaperon.people.models import ImportJob, ImportStatus, Learner
from chaperon.people.roles import Role
from chaperon.people.tasks import FAULT, import_people_task
from tests import factories
from tests.conftest import Cast, signed_in
from tests.people.test_import_helpers import audit_actions, csv_text, everything, last_audit_seq

HEADER = "external_id,first_name,last_name,date_of_birth,year_group"
GOOD = csv_text(HEADER, "L001,Ava,Brookfield,2012-05-17,Year 8", "L002,Ben,Carrow,03/11/2011,")
BAD = csv_text(HEADER, "L001,Ava,Brookfield,2012-05-17,Year 8", "L002,,Carrow,3/11/11,")


def upload(client: Client, text: str | bytes, *, kind: str = "learners", name: str = "pupils.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_the_upload_page_offers_each_kind_of_file_with_its_columns(cast: Cast) -> None:
    page = signed_in(cast.dsl).get("/import/").content.decode()
    for value, label in [("staff", "Staff"), ("learners", "Learners"), ("guardians", "Parents")]:
        assert re.search(rf'<input type="radio" name="kind" value="{value}"[^>]*id="(\w+)"', page)
        assert f">{label}" in page
    assert '<label for="id_file">CSV file</label>' in page
    assert 'enctype="multipart/form-data"' in page
    for column in ("dbs_checked_on", "adult_at_risk", "learner_external_id"):
        assert f"<code>{column}</code>" in page
    assert "No files imported yet." in page


def test_a_good_file_goes_from_upload_to_its_result(
    cast: Cast,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = signed_in(cast.dsl)
    since = last_audit_seq()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/import/jobs/{job.pk}/"
    assert (job.status, job.kind, job.file_name) == (ImportStatus.DONE, "learners", "pupils.csv")
    assert (job.created_by, job.organisation) == (cast.dsl, cast.organisation)
    assert job.content == ""  # the uploaded text is not kept once imported
    assert Learner.objects.filter(external_id__in=["L001", "L002"]).count() == 2
    assert AuditAction.PEOPLE_IMPORTED in audit_actions(since)

    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 rows: 2 added, 0 changed, 0 unchanged." in page
    assert "<progress" not in page and "import_progress.js" not in page

    status = client.get(f"/import/jobs/{job.pk}/status/")
    assert status["Cache-Control"].startswith("max-age=0")
    assert status.json() == {
        "status": "done",
        "finished": True,
        "phase": "writing",
        "total": 2,
        "checked": 2,
        "written": 2,
        "done": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "problems": 0,
        "message": "Imported 2 rows: 2 added, 0 changed, 0 unchanged.",
    }
    listing = client.get("/import/").content.decode()
    assert f'href="/import/jobs/{job.pk}/"' in listing and "pupils.csv" in listing


def test_a_bad_file_shows_every_problem_and_changes_nothing(
    cast: Cast,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = signed_in(cast.admin)
    before = everything()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, BAD)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REFUSED
    assert [(error["line"], error["column"]) for error in job.errors] == [
        (3, "first_name"),
        (3, "date_of_birth"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Not imported: 2 problems found. Nothing was changed." in page
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th><td><code>(\w+)</code></td>", page)
    assert rows == [("3", "first_name"), ("3", "date_of_birth")]
    assert "two-digit year" in page
    assert client.get(f"/import/jobs/{job.pk}/status/").json()["problems"] == 2
    after = everything()
    assert after["AuditEvent"].pop()["action"] == AuditAction.PEOPLE_IMPORT_REFUSED
    assert after == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("external_id,first_name\r\nL001,Zoë\r\n".encode("cp1252"), "is not UTF-8 text"),
        (b"", "The submitted file is empty."),
    ],
)
def test_an_unreadable_upload_is_refused_on_the_form(
    cast: Cast, data: bytes, expected: str
) -> None:
    response = upload(signed_in(cast.dsl), data)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(cast: Cast) -> None:
    response = upload(signed_in(cast.dsl), GOOD + "x" * 1100)
    assert "the largest accepted is 1.0\xa0KB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_kind_of_file_must_be_chosen(cast: Cast) -> None:
    response = signed_in(cast.dsl).post(
        "/import/", {"file": SimpleUploadedFile("pupils.csv", GOOD.encode())}
    )
    page = response.content.decode()
    assert "This field is required." in page
    assert '<a href="#id_kind_0">What does the file hold?: This field is required.</a>' in page
    assert not ImportJob.objects.exists()


def test_a_running_job_shows_its_progress_to_scripts_and_to_people(cast: Cast) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="pupils.csv", text=GOOD)
    client = signed_in(cast.dsl)
    page = client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert "Waiting to start." in page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    progress_save(job.pk, Progress("writing", checked=5000, written=1250, total=5000))
    page = client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert 'max="5000" value="1250"' in page
    assert 'aria-labelledby="import-phase"' in page
    assert '<p role="status" aria-live="polite" data-import-live>' in page
    assert "Saving: 1,250 of 5,000 rows saved." in page
    assert "Refresh this page" in page  # without a script, people reload
    script = re.search(r'<script src="([^"]+import_progress\.js)" defer></script>', page)
    assert script is not None
    assert finders.find("people/import_progress.js") is not None
    assert "<script>" not in page  # the Content-Security-Policy allows our own files only
    assert f'data-import-status-url="/import/jobs/{job.pk}/status/"' in page

    status = client.get(f"/import/jobs/{job.pk}/status/").json()
    assert (status["finished"], status["phase"], status["done"], status["total"]) == (
        False,
        "writing",
        1250,
        5000,
    )
    progress_clear(job.pk)
    assert client.get(f"/import/jobs/{job.pk}/status/").json()["message"] == "Starting."


def test_the_task_saves_progress_as_it_goes_and_runs_each_job_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 300
    text = csv_text(
        HEADER, *(f"P{n:04d},Pupil{n},Sample{n},2012-05-17,Year 8" for n in range(rows))
    )
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="big.csv", text=text)
    saved: list[Progress] = []
    monkeypatch.setattr(
        "chaperon.people.tasks.progress_save", lambda job_id, progress: saved.append(progress)
    )

    import_people_task.call(job.pk)
    events = last_audit_seq()
    import_people_task.call(job.pk)  # a second delivery of the same task

    job.refresh_from_db()
    assert (job.status, job.created_count, job.rows_written) == (ImportStatus.DONE, rows, rows)
    assert {report.phase for report in saved} == {"checking", "writing"}
    assert saved[-1] == Progress("writing", checked=rows, written=rows, total=rows)
    assert len(saved) >= 100
    assert last_audit_seq() == events
    assert Learner.objects.filter(external_id__startswith="P").count() == rows


def test_a_job_whose_uploader_lost_the_role_fails_and_imports_nothing(cast: Cast) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="pupils.csv", text=GOOD)
    services.staff_set_roles(
        actor=SYSTEM, staff=factories.staff_member(cast.dsl), roles=[Role.TEACHER]
    )
    before = everything()

    import_people_task.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportStatus.FAILED, "Your role does not allow this.")
    assert job.content == ""
    assert everything() == before
    page = signed_in(cast.admin).get(f"/import/jobs/{job.pk}/").content.decode()
    assert "The import failed" in page and "Your role does not allow this." in page


def test_a_fault_during_the_import_fails_the_job_and_changes_nothing(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="pupils.csv", text=GOOD)
    before = everything()

    def broken_record(**event: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("chaperon.people.imports.plans.record", broken_record)

    with pytest.raises(RuntimeError):  # re-raised, so that the worker records the failure too
        import_people_task.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.failure, job.content) == (ImportStatus.FAILED, FAULT, "")
    assert everything() == before
    status = signed_in(cast.dsl).get(f"/import/jobs/{job.pk}/status/").json()
    assert (status["finished"], status["status"]) == (True, "failed")
