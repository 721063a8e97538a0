"""A OneRoster export uploaded on the web is checked, then applied, by the task worker: its page
follows the work (the step, records done of the total) and its JSON status is polled by a
script; a fault while applying changes nothing. Only the organisation's importers see it."""

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.imports.progress import progress_clear, progress_load, progress_save
from chaperon.people.imports.report import Progress
from chaperon.people.models import RosterImport
from chaperon.people.roles import Role
from chaperon.people.roster import read_folder
from chaperon.people.roster.jobs import roster_import_apply_queue, roster_import_queue
from chaperon.people.tasks import FAULT, roster_apply_task, roster_preview_task
from tests import factories
from tests.conftest import Cast, signed_in
from tests.people.roster_support import SAMPLE, snapshot


def _queued(cast: Cast) -> RosterImport:
    """An export uploaded by the administrator, its check not yet run."""
    return roster_import_queue(
        actor=cast.admin,
        organisation=cast.organisation,
        files=read_folder(SAMPLE),
        source="oneroster.zip",
    )


def test_the_page_and_its_status_show_the_step_and_how_far_it_has_got(cast: Cast) -> None:
    pending = _queued(cast)
    client = signed_in(cast.admin)
    page = client.get(f"/import/oneroster/{pending.pk}/").content.decode()
    assert "Waiting to start checking." in page
    assert "Apply these changes" not in page

    RosterImport.objects.filter(pk=pending.pk).update(status=RosterImport.Status.CHECKING)
    progress_save(
        pending.pk, Progress("checking", checked=1200, written=0, total=4000), of="roster"
    )
    page = client.get(f"/import/oneroster/{pending.pk}/").content.decode()
    assert "Step 1 of 2: checking the export" in page
    assert 'max="4000" value="1200"' in page
    assert 'aria-labelledby="import-phase"' in page
    assert '<p role="status" aria-live="polite" data-import-live>' in page
    assert "1,200 of 4,000 records checked." in page
    assert "Refresh this page" in page  # without a script, people reload
    assert re.search(r'<script src="[^"]+people/import_progress\.js" defer></script>', page)
    assert finders.find("people/import_progress.js") is not None
    assert "<script>" not in page  # the Content-Security-Policy allows our own files only
    assert f'data-import-status-url="/import/oneroster/{pending.pk}/status/"' in page

    status = client.get(f"/import/oneroster/{pending.pk}/status/")
    assert status["Cache-Control"].startswith("max-age=0")
    assert status.json() == {
        "status": "checking",
        "finished": False,
        "phase": "checking:checking",
        "heading": "Step 1 of 2: checking the export",
        "done": 1200,
        "total": 4000,
        "problems": 0,
        "message": "Comparing with the organisation's records: 1,200 of 4,000 records checked.",
    }

    RosterImport.objects.filter(pk=pending.pk).update(status=RosterImport.Status.APPLYING)
    progress_save(
        pending.pk, Progress("writing", checked=4000, written=250, total=1000), of="roster"
    )
    state = client.get(f"/import/oneroster/{pending.pk}/status/").json()
    assert (state["heading"], state["done"], state["total"]) == (
        "Step 2 of 2: applying it, saving the changes",
        250,
        1000,
    )
    assert state["message"] == "Saving: 250 of 1,000 records saved."
    progress_clear(pending.pk, of="roster")
    assert client.get(f"/import/oneroster/{pending.pk}/status/").json()["message"] == (
        "Reading the export's files."
    )


@pytest.mark.parametrize("name", ["teacher", "deputy", "slt", "board", "ict"])
def test_the_status_is_refused_to_those_who_do_not_import(cast: Cast, name: str) -> None:
    pending = _queued(cast)
    response = signed_in(cast.user(name)).get(f"/import/oneroster/{pending.pk}/status/")
    assert response.status_code == 403
    assert "total" not in response.content.decode()


def test_the_status_is_not_found_for_another_organisation(cast: Cast) -> None:
    pending = _queued(cast)
    response = signed_in(cast.outsider).get(f"/import/oneroster/{pending.pk}/status/")
    assert response.status_code == 404
    assert signed_in(cast.outsider).get(f"/import/oneroster/{pending.pk}/").status_code == 404
    anonymous = Client().get(f"/import/oneroster/{pending.pk}/status/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/sign-in/")


def test_the_tasks_report_progress_and_run_each_export_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = _queued(cast)
    saved: list[Progress] = []

    def keep(import_id: int, progress: Progress, *, of: str) -> None:
        assert (import_id, of) == (pending.pk, "roster")
        saved.append(progress)

    monkeypatch.setattr("chaperon.people.tasks.progress_save", keep)
    roster_preview_task.call(pending.pk)
    roster_preview_task.call(pending.pk)  # a second delivery of the same task
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.PREVIEWED
    assert {report.phase for report in saved} == {"checking"}
    assert saved[0].checked == 0
    assert saved[-1].checked == saved[-1].total > 0
    assert progress_load(pending.pk, of="roster") is None

    saved.clear()
    roster_import_apply_queue(actor=cast.admin, pending=pending)
    roster_apply_task.call(pending.pk)
    roster_apply_task.call(pending.pk)
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.APPLIED
    assert [report.phase for report in saved][-1] == "writing"
    assert saved[-1].written == saved[-1].total > 0


def test_a_fault_while_applying_changes_nothing_and_says_so(
    cast: Cast,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    admin = signed_in(cast.admin)
    pending = _queued(cast)
    roster_preview_task.call(pending.pk)
    before = snapshot(cast.organisation)  # after signing in, which sets last_login
    from chaperon.people.roster import service

    written = service.write_plan

    def write_then_fail(*args: Any, **kwargs: Any) -> None:
        written(*args, **kwargs)  # everything written, then the fault
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(service, "write_plan", write_then_fail)
    # The task backend logs the fault the task re-raises, as the worker does.
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/import/oneroster/{pending.pk}/apply/")

    pending.refresh_from_db()
    assert (pending.status, pending.failure) == (RosterImport.Status.FAILED, FAULT)
    assert (pending.content, pending.preview) == ({}, {})
    assert snapshot(cast.organisation) == before
    page = admin.get(f"/import/oneroster/{pending.pk}/").content.decode()
    assert "The import failed" in page and "Nothing was changed." in page
    assert "Apply these changes" not in page


def test_someone_whose_role_changed_since_the_upload_is_refused_by_the_task(cast: Cast) -> None:
    pending = _queued(cast)
    services.staff_set_roles(
        actor=SYSTEM, staff=factories.staff_member(cast.admin), roles=[Role.TEACHER]
    )
    before = snapshot(cast.organisation)

    roster_preview_task.call(pending.pk)

    pending.refresh_from_db()
    assert (pending.status, pending.failure) == (
        RosterImport.Status.FAILED,
        "Your role does not allow this.",
    )
    assert pending.content == {}
    assert snapshot(cast.organisation) == before
