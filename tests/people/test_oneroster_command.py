"""``chaperon import_oneroster PATH [--apply]``: a preview by default, the changes with
--apply, every problem on standard error and nothing changed for a bad export."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chaperon.people.models import Learner
from tests.conftest import Cast
from tests.people.roster_support import SAMPLE, edit_rows, sample_copy


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_oneroster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_preview_then_the_import(cast: Cast) -> None:
    slug = cast.organisation.slug
    out, _ = _run(str(SAMPLE), "--organisation", slug)
    assert "Learners: 3 added, 0 changed, 0 marked as left, 0 unchanged" in out
    assert "added: Amara Quayle, Bryn Tallis, Cerys Vance" in out
    assert "Nothing written: run again with --apply" in out
    assert not Learner.objects.filter(external_id="usr-s1").exists()

    out, _ = _run(str(SAMPLE), "--organisation", slug, "--apply")
    assert "Imported 19 rows." in out
    assert Learner.objects.filter(external_id="usr-s1").exists()

    out, _ = _run(str(SAMPLE), "--organisation", slug)
    assert "Nothing to change." in out


def test_a_bad_export_prints_every_problem_and_changes_nothing(cast: Cast, tmp_path: Path) -> None:
    export = sample_copy(tmp_path)
    edit_rows(export, "users.csv", lambda row: {**row, "givenName": ""})
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"7 problems .* Nothing was changed"):
        call_command(
            "import_oneroster",
            str(export),
            "--organisation",
            cast.organisation.slug,
            "--apply",
            stderr=err,
        )
    assert "users.csv, line 2, column givenName: is empty" in err.getvalue()
    assert len(err.getvalue().splitlines()) == 7
    assert not Learner.objects.filter(external_id__startswith="usr-").exists()


def test_more_than_one_organisation_needs_naming(cast: Cast) -> None:
    with pytest.raises(CommandError, match="--organisation SLUG"):
        _run(str(SAMPLE))
