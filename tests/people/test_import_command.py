"""`chaperon import_people`: the same import from the command line, as the system."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from chaperon import cli
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.people.models import Learner
from tests.conftest import Cast
from tests.people.test_import_helpers import audit_actions, csv_text, everything, last_audit_seq

HEADER = "external_id,first_name,last_name,date_of_birth"
GOOD = csv_text(HEADER, "L001,Ava,Brookfield,2012-05-17", "L002,Ben,Carrow,03/11/2011")
BAD = csv_text(
    HEADER, "L001,Ava,Brookfield,2012-05-17", "L002,Ben,,03/11/2011", "L003,Cy,Dorn,2012-02-30"
)


def write(tmp_path: Path, text: str | bytes, name: str = "learners.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_by_the_system_and_counted(cast: Cast, tmp_path: Path) -> None:
    since = last_audit_seq()
    path = write(tmp_path, GOOD)

    out, err = run("--organisation", cast.organisation.slug, "--kind", "learners", path)

    assert out == "Imported 2 rows: 2 added, 0 changed, 0 unchanged.\n"
    assert err == ""  # small files print no progress
    assert Learner.objects.filter(organisation=cast.organisation, external_id="L002").exists()
    events = AuditEvent.objects.filter(id__gt=since)
    assert {(event.actor_id, event.actor_label) for event in events} == {(None, "system")}
    assert audit_actions(since)[-1] == AuditAction.PEOPLE_IMPORTED

    out, _ = run("--organisation", cast.organisation.slug, "--kind", "learners", path)
    assert out == "Imported 2 rows: 0 added, 0 changed, 2 unchanged.\n"


def test_a_bad_file_prints_every_problem_and_changes_nothing(cast: Cast, tmp_path: Path) -> None:
    before = everything()
    err = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command(
            "import_people",
            "--organisation",
            cast.organisation.slug,
            "--kind",
            "learners",
            write(tmp_path, BAD),
            stdout=StringIO(),
            stderr=err,
        )

    assert refused.value.returncode == 1
    assert "Not imported: 2 problems in" in str(refused.value)
    assert err.getvalue().splitlines() == [
        "line 3, column last_name: is empty; it is required",
        "line 4, column date_of_birth: “2012-02-30” is not a date in the calendar; use "
        "YYYY-MM-DD or DD/MM/YYYY, for example 2012-05-17 or 17/05/2012",
    ]
    after = everything()
    assert after["AuditEvent"].pop()["action"] == AuditAction.PEOPLE_IMPORT_REFUSED
    assert after == before


def test_the_exit_status_is_1_when_refused_and_0_when_imported(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A command run from the command line closes the database connection when it ends, which
    # would end this test's transaction too.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    arguments = ["import_people", "--organisation", cast.organisation.slug, "--kind", "learners"]

    with pytest.raises(SystemExit) as refused:
        cli.main([*arguments, write(tmp_path, BAD)])
    assert refused.value.code == 1
    assert "line 3, column last_name" in capsys.readouterr().err

    assert cli.main([*arguments, write(tmp_path, GOOD)]) == 0
    assert "2 added" in capsys.readouterr().out


def test_a_dry_run_writes_nothing(cast: Cast, tmp_path: Path) -> None:
    before = everything()
    out, _ = run(
        "--organisation",
        cast.organisation.slug,
        "--kind",
        "learners",
        "--dry-run",
        write(tmp_path, GOOD),
    )
    assert out == (
        "Checked 2 rows, no problems: would have 2 added, 0 changed, 0 unchanged. "
        "Nothing written.\n"
    )
    assert everything() == before


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--organisation", "no-such-school", "--kind", "learners"], "No organisation has"),
        (["--kind", "learners"], "Cannot read"),
    ],
)
def test_an_unknown_organisation_or_a_missing_file_is_refused(
    cast: Cast, tmp_path: Path, arguments: list[str], expected: str
) -> None:
    if "--organisation" not in arguments:
        arguments = ["--organisation", cast.organisation.slug, *arguments]
    with pytest.raises(CommandError, match=expected):
        run(*arguments, str(tmp_path / "missing.csv"))


def test_a_file_that_is_not_utf8_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(HEADER, "L001,Zoë,Brook,2012-05-17").encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text: line 2"):
        run("--organisation", cast.organisation.slug, "--kind", "learners", path)
    assert not Learner.objects.filter(external_id="L001").exists()


def test_a_large_file_prints_its_progress(cast: Cast, tmp_path: Path) -> None:
    lines = [f"B{n:05d},Pupil{n},Sample{n},2012-05-17" for n in range(1200)]
    path = write(tmp_path, csv_text(HEADER, *lines))

    out, err = run("--organisation", cast.organisation.slug, "--kind", "learners", path)

    assert out == "Imported 1,200 rows: 1,200 added, 0 changed, 0 unchanged.\n"
    lines = err.splitlines()
    checked = [line for line in lines if line.endswith("rows checked")]
    saved = [line for line in lines if line.endswith("rows saved")]
    assert len(checked) >= 10 and len(saved) >= 10
    assert checked[-1] == "1,200 of 1,200 rows checked"
    assert saved[-1] == "1,200 of 1,200 rows saved"
    assert lines == checked + saved
