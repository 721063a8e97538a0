"""The OneRoster import pages: upload a zipped export, see what it would change with nothing
saved, then apply it; a refused export lists every problem; only importers see the pages."""

import io
import zipfile
from pathlib import Path

import pytest

from chaperon.people.models import Learner, RosterImport
from tests.conftest import Cast, signed_in
from tests.people.roster_support import SAMPLE, edit_rows, sample_copy


def _zipped(folder: Path) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"export/{path.name}")
    data.seek(0)
    data.name = "oneroster.zip"
    return data


def test_an_administrator_previews_then_applies_an_export(cast: Cast) -> None:
    admin = signed_in(cast.admin)
    uploaded = admin.post("/import/oneroster/", {"file": _zipped(SAMPLE)})
    assert uploaded.status_code == 302
    pending = RosterImport.objects.get()
    page = admin.get(uploaded["Location"]).content.decode()
    assert "Amara Quayle" in page
    assert "Year 9 French set 2" in page
    assert "Apply these changes" in page
    assert not Learner.objects.filter(external_id="usr-s1").exists()

    applied = admin.post(f"/import/oneroster/{pending.pk}/apply/")

    assert applied.status_code == 302
    assert Learner.objects.filter(external_id="usr-s1").exists()
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.APPLIED
    assert pending.content == {}
    assert pending.summary["learners"]["created"] == 3
    again = admin.post(f"/import/oneroster/{pending.pk}/apply/")
    assert again.status_code == 302
    assert Learner.objects.filter(external_id="usr-s1").count() == 1


def test_a_refused_export_lists_every_problem_and_keeps_no_files(
    cast: Cast, tmp_path: Path
) -> None:
    export = sample_copy(tmp_path)
    edit_rows(export, "users.csv", lambda row: {**row, "familyName": ""})
    response = signed_in(cast.dsl).post("/import/oneroster/", {"file": _zipped(export)})
    page = signed_in(cast.dsl).get(response["Location"]).content.decode()
    assert "Nothing was imported: 7 problems" in page
    assert page.count("is empty; every row needs a value here") == 7
    refused = RosterImport.objects.get()
    assert refused.status == RosterImport.Status.REFUSED
    assert refused.content == {}
    assert not Learner.objects.filter(external_id__startswith="usr-").exists()


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
