"""``chaperon policy check PLAN.json [--policy FILE]``: the verdict on standard output and the
exit status 0 allow, 3 needs an exception, 4 blocked, 2 invalid (one line on standard error
naming the field, nothing on standard output)."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from .plans import changed, one_to_one

CHAPERON = Path(sys.executable).parent / "chaperon"


def _write(tmp_path: Path, plan: object, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(plan if isinstance(plan, str) else json.dumps(plan), encoding="utf-8")
    return path


def check(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("policy", "check", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        status = int(exit.code or 0)
    else:
        status = 0
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("plan", "status", "decision"),
    [
        (one_to_one(), 0, "allow"),
        (one_to_one(duration_minutes=50), 3, "needs_exception"),
        (changed(one_to_one(), session__platform="zoom"), 4, "block"),
    ],
)
def test_the_verdict_is_printed_and_the_exit_status_is_the_decisions(
    tmp_path: Path, plan: dict, status: int, decision: str
) -> None:
    code, out, err = check(str(_write(tmp_path, plan)))
    assert (code, err) == (status, "")
    verdict = json.loads(out)
    assert verdict["decision"] == decision
    assert verdict["policy"] == "default@1"


def test_an_invalid_plan_exits_2_naming_the_field_with_nothing_on_standard_output(
    tmp_path: Path,
) -> None:
    plan = changed(one_to_one(), session__start="2026-11-23 10:00")
    code, out, err = check(str(_write(tmp_path, plan)))
    assert (code, out) == (2, "")
    assert err == "session.start: not an ISO 8601 date-time with offset\n"


def test_a_policy_file_replaces_the_default(tmp_path: Path) -> None:
    policy = tmp_path / "trust.yaml"
    text = (Path(__file__).parents[2] / "chaperon/policy/engine/default.yaml").read_text(
        encoding="utf-8"
    )
    policy.write_text(
        text.replace("name: default", "name: harbour-trust").replace(
            "max_duration_minutes: 45", "max_duration_minutes: 60"
        ),
        encoding="utf-8",
    )
    plan = _write(tmp_path, one_to_one(duration_minutes=50))
    code, out, _err = check(str(plan), "--policy", str(policy))
    assert code == 0
    assert json.loads(out) == {"decision": "allow", "policy": "harbour-trust@1", "findings": []}

    policy.write_text(text.replace("max_duration_minutes: 45", "max_duration_minutes: 0"))
    code, out, err = check(str(plan), "--policy", str(policy))
    assert (code, out) == (2, "")
    assert err == "max_duration_minutes: must be a whole number of minutes between 1 and 480\n"


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, out, err = check(str(tmp_path / "nowhere.json"))
    assert (code, out) == (2, "")
    assert err.startswith("plan: cannot read ") and err.count("\n") == 1
    code, out, err = check(
        str(_write(tmp_path, one_to_one())), "--policy", str(tmp_path / "x.yaml")
    )
    assert (code, out) == (2, "")
    assert err.startswith("policy: cannot read ")


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own console script)
        [str(CHAPERON), "policy", "check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_console_script_exits_with_each_status_and_never_a_traceback(tmp_path: Path) -> None:
    allowed = _run(str(_write(tmp_path, one_to_one())))
    assert (allowed.returncode, allowed.stderr) == (0, "")
    assert json.loads(allowed.stdout)["decision"] == "allow"

    longer = _run(str(_write(tmp_path, one_to_one(duration_minutes=50))))
    assert longer.returncode == 3
    [finding] = json.loads(longer.stdout)["findings"]
    assert finding["rule"] == "duration.max"

    blocked = _run("-", stdin=json.dumps(changed(one_to_one(), learners__0__consent={})))
    assert blocked.returncode == 4
    assert json.loads(blocked.stdout)["decision"] == "block"

    invalid = _run(str(_write(tmp_path, '{"session": ')))
    assert (invalid.returncode, invalid.stdout) == (2, "")
    assert invalid.stderr == "plan: not valid JSON: Expecting value at line 1, column 13\n"

    usage = _run()
    assert (usage.returncode, usage.stdout) == (2, "")
    assert "PLAN.json" in usage.stderr
    assert "Traceback" not in usage.stderr + invalid.stderr


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ('{"session": ' + "[" * 50_000 + "]" * 50_000 + "}", "session: nested more than 32"),
        ("[" * 50_000 + "]" * 50_000, "plan: nested more than 32"),
        ('{"session": ' + "[" * 40 + "]" * 40 + "}", "session: nested more than 32"),
        ('{"session": {"title": "Maths \\udc00"}}', "session.title: holds a lone UTF-16"),
    ],
    ids=["deep under a field", "deep at the top", "deep but parsed", "lone surrogate"],
)
def test_a_plan_too_deep_or_not_text_exits_2_naming_the_field(
    tmp_path: Path, plan: str, message: str
) -> None:
    invalid = _run(str(_write(tmp_path, plan)))

    assert (invalid.returncode, invalid.stdout) == (2, "")
    assert invalid.stderr.startswith(message)
    assert invalid.stderr.count("\n") == 1
    assert "Traceback" not in invalid.stderr


def test_a_policy_too_deep_exits_2_naming_the_field(tmp_path: Path) -> None:
    policy = tmp_path / "deep.yaml"
    policy.write_text("version: " + "[" * 20_000 + "]" * 20_000, encoding="utf-8")

    code, out, err = check(str(_write(tmp_path, one_to_one())), "--policy", str(policy))

    assert (code, out) == (2, "")
    assert err == "policy: nested too deeply to be a policy; send a flatter document\n"
