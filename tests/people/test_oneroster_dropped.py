"""The scheduled import: an export dropped in ONEROSTER_DROP_DIR/<slug>/ is applied once; one
still being written waits; a refused one changes nothing and its problems are emailed to those
who import."""

import os
import shutil
import time
from pathlib import Path

import pytest

from chaperon.core.models import EmailDelivery
from chaperon.core.scheduling import registered
from chaperon.people.models import Learner, RosterImport
from chaperon.people.tasks import import_dropped_rosters_task
from tests.conftest import Cast
from tests.people.roster_support import SAMPLE, edit_rows


def _drop(root: Path, slug: str, *, age_seconds: int = 120) -> Path:
    folder = root / slug
    shutil.copytree(SAMPLE, folder)
    _age(folder, age_seconds)
    return folder


def _age(folder: Path, seconds: int) -> None:
    then = time.time() - seconds
    for path in folder.iterdir():
        os.utime(path, (then, then))


@pytest.fixture
def drop_dir(settings, tmp_path: Path) -> Path:
    settings.ONEROSTER_DROP_DIR = str(tmp_path)
    return tmp_path


def test_the_task_is_run_by_the_scheduler() -> None:
    assert any(periodic.task is import_dropped_rosters_task for periodic in registered())


def test_a_dropped_export_is_applied_once(cast: Cast, drop_dir: Path) -> None:
    _drop(drop_dir, cast.organisation.slug)

    assert import_dropped_rosters_task.call() == 1

    assert Learner.objects.filter(organisation=cast.organisation, external_id="usr-s1").exists()
    [done] = RosterImport.objects.all()
    assert done.status == RosterImport.Status.APPLIED
    assert import_dropped_rosters_task.call() == 0
    assert RosterImport.objects.count() == 1


def test_an_export_still_being_written_waits(cast: Cast, drop_dir: Path) -> None:
    _drop(drop_dir, cast.organisation.slug, age_seconds=5)
    assert import_dropped_rosters_task.call() == 0
    assert not Learner.objects.filter(external_id="usr-s1").exists()
    assert not RosterImport.objects.exists()


def test_a_refused_export_changes_nothing_and_tells_the_importers_once(
    cast: Cast, drop_dir: Path, django_capture_on_commit_callbacks
) -> None:
    folder = _drop(drop_dir, cast.organisation.slug)
    edit_rows(
        folder,
        "demographics.csv",
        lambda row: {**row, "birthDate": "2012-13-01"} if row["sourcedId"] == "usr-s2" else row,
    )
    _age(folder, 120)

    with django_capture_on_commit_callbacks(execute=True):
        assert import_dropped_rosters_task.call() == 1
        assert import_dropped_rosters_task.call() == 0

    assert not Learner.objects.filter(external_id__startswith="usr-").exists()
    mail = EmailDelivery.objects.filter(purpose="roster_import_refused")
    assert sorted(mail.values_list("to", flat=True)) == sorted([cast.dsl.email, cast.admin.email])
    assert all("demographics.csv, line 3, column birthDate" in sent.text for sent in mail)
    assert RosterImport.objects.get().status == RosterImport.Status.REFUSED


def test_nothing_is_read_without_a_drop_folder(cast: Cast, settings, tmp_path: Path) -> None:
    settings.ONEROSTER_DROP_DIR = ""
    _drop(tmp_path, cast.organisation.slug)
    assert import_dropped_rosters_task.call() == 0
    assert not RosterImport.objects.exists()
