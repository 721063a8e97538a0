"""The OneRoster import pages: upload a zipped export, see what it would change with nothing
saved, then apply it; a refused export lists every problem; only importers see the pages."""

import io
import zipfile
from pathlib import Path

import pytest
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from chaperon.people.models import Learner, RosterImport
from tests.conftest import Cast, signed_in
from tests.people.roster_support import SAMPLE, edit_rows, sample_copy, snapshot


def _zipped(folder: Path) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"export/{path.name}")
    data.seek(0)
    data.name = "oneroster.zip"
    return data


def test_an_administrator_previews_then_applies_an_export(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    admin = signed_in(cast.admin)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        uploaded = admin.post("/import/oneroster/", {"file": _zipped(SAMPLE)})
    assert len(queued) == 1  # the check runs as a task
    assert uploaded.status_code == 302
    pending = RosterImport.objects.get()
    assert pending.status == RosterImport.Status.PREVIEWED
    assert pending.preview["kinds"][0]["counts"]["created"] == 3
    page = admin.get(uploaded["Location"]).content.decode()
    assert "Amara Quayle" in page
    assert "Year 9 French set 2" in page
    assert "Apply these changes" in page
    assert "data-import-status-url" not in page  # finished: no progress to follow
    assert not Learner.objects.filter(external_id="usr-s1").exists()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        applied = admin.post(f"/import/oneroster/{pending.pk}/apply/")

    assert len(queued) == 1  # applying runs as a task too
    assert applied.status_code == 302
    assert Learner.objects.filter(external_id="usr-s1").exists()
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.APPLIED
    assert pending.applied_by == cast.admin
    assert (pending.content, pending.preview) == ({}, {})
    assert pending.summary["learners"]["created"] == 3
    assert (
        "Imported. The changes shown are made." in admin.get(applied["Location"]).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = admin.post(f"/import/oneroster/{pending.pk}/apply/")
    assert again.status_code == 302
    assert queued == []
    assert Learner.objects.filter(external_id="usr-s1").count() == 1


def test_a_refused_export_lists_every_problem_and_keeps_no_files(
    cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    export = sample_copy(tmp_path)
    edit_rows(export, "users.csv", lambda row: {**row, "familyName": ""})
    dsl = signed_in(cast.dsl)
    before = snapshot(cast.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = dsl.post("/import/oneroster/", {"file": _zipped(export)})
    page = dsl.get(response["Location"]).content.decode()
    assert "Nothing was imported: 7 problems" in page
    assert page.count("is empty; every row needs a value here") == 7
    assert "<td>users.csv</td><td>2</td><td>familyName</td>" in page
    assert "Apply these changes" not in page
    refused = RosterImport.objects.get()
    assert refused.status == RosterImport.Status.REFUSED
    assert (refused.content, refused.preview) == ({}, {})
    assert snapshot(cast.organisation) == before
    status = dsl.get(f"/import/oneroster/{refused.pk}/status/").json()
    assert (status["finished"], status["status"], status["problems"]) == (True, "refused", 7)


def test_a_file_that_is_not_a_zip_is_refused_on_the_form(cast: Cast) -> None:
    not_zip = io.BytesIO(b"sourcedId,givenName\n")
    not_zip.name = "users.csv"
    response = signed_in(cast.admin).post("/import/oneroster/", {"file": not_zip})
    assert response.status_code == 400
    assert "not a zip file" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize("name", ["teacher", "deputy", "slt", "board"])
def test_only_importers_see_the_pages(cast: Cast, name: str) -> None:
    pending = RosterImport.objects.create(
        organisation=cast.organisation, fingerprint="x", status=RosterImport.Status.PREVIEWED
    )
    client = signed_in(cast.user(name))
    assert client.get("/import/oneroster/").status_code == 403
    assert client.get(f"/import/oneroster/{pending.pk}/").status_code == 403
    assert client.post(f"/import/oneroster/{pending.pk}/apply/").status_code == 403
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.PREVIEWED


def test_another_organisations_import_is_not_found(cast: Cast) -> None:
    theirs = RosterImport.objects.create(
        organisation=cast.other_organisation, fingerprint="x", status="previewed"
    )
    assert signed_in(cast.admin).get(f"/import/oneroster/{theirs.pk}/").status_code == 404
