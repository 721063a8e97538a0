"""Who may import, and into which organisation: checked inside the service and on every page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.imports import people_import
from chaperon.people.imports.jobs import import_job_create
from chaperon.people.models import ImportJob
from tests.conftest import Cast, signed_in
from tests.people.test_import_helpers import csv_text, everything

FILE = csv_text("external_id,first_name,last_name,date_of_birth", "L001,Zoe,Brook,2012-05-17")


@pytest.mark.parametrize("name", ["deputy", "slt", "teacher", "ict", "board"])
@pytest.mark.parametrize("kind", ["staff", "learners", "guardians"])
def test_roles_without_the_import_permission_are_refused(cast: Cast, name: str, kind: str) -> None:
    before = everything()
    with pytest.raises(PermissionDenied):
        people_import(actor=cast.user(name), organisation=cast.organisation, kind=kind, text=FILE)
    assert everything() == before  # not even a refusal event: nothing was looked at


def test_nobody_imports_into_another_organisation(cast: Cast) -> None:
    before = everything()
    with pytest.raises(NotFound):
        people_import(
            actor=cast.outsider, organisation=cast.organisation, kind="learners", text=FILE
        )
    assert everything() == before


@pytest.mark.parametrize("name", ["dsl", "admin"])
def test_the_dsl_and_administrators_may_import(cast: Cast, name: str) -> None:
    result = people_import(
        actor=cast.user(name), organisation=cast.organisation, kind="learners", text=FILE
    )
    assert result.created == 1


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="a.csv", text=FILE)
    client = Client()
    for url in ("/import/", f"/import/jobs/{job.pk}/", f"/import/jobs/{job.pk}/status/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")
    response = client.post(
        "/import/", {"kind": "learners", "file": SimpleUploadedFile("a.csv", FILE.encode())}
    )
    assert response.status_code == 302
    assert ImportJob.objects.count() == 1


def test_a_teacher_can_neither_see_nor_use_the_import_pages(cast: Cast) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="a.csv", text=FILE)
    client = signed_in(cast.teacher)
    before = everything()
    for url in ("/import/", f"/import/jobs/{job.pk}/", f"/import/jobs/{job.pk}/status/"):
        assert client.get(url).status_code == 403
    response = client.post(
        "/import/", {"kind": "learners", "file": SimpleUploadedFile("a.csv", FILE.encode())}
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 1
    assert everything() == before
    assert 'href="/import/"' not in client.get("/dashboard/").content.decode()


def test_another_organisations_import_is_not_found(cast: Cast) -> None:
    job = import_job_create(actor=cast.dsl, kind="learners", file_name="a.csv", text=FILE)
    client = signed_in(cast.outsider)
    assert client.get(f"/import/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/import/jobs/{job.pk}/status/").status_code == 404
    assert f"/import/jobs/{job.pk}/" not in client.get("/import/").content.decode()


def test_colleagues_who_may_import_see_each_others_imports(cast: Cast) -> None:
    job = import_job_create(actor=cast.admin, kind="learners", file_name="pupils.csv", text=FILE)
    response = signed_in(cast.dsl).get(f"/import/jobs/{job.pk}/")
    assert response.status_code == 200
    assert "Uploaded by Ade Brook" in response.content.decode()
