"""The engine imports no Django (directly or through anything else) and reads no clock."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import chaperon.policy.engine

ENGINE = Path(chaperon.policy.engine.__file__).parent
PURE = ENGINE.parents[1] / "core" / "pure"
ENGINE_MODULES = [
    "chaperon.policy.engine",
    "chaperon.policy.engine.catalogue",
    "chaperon.policy.engine.describe",
    "chaperon.policy.engine.document",
    "chaperon.policy.engine.errors",
    "chaperon.policy.engine.evaluation",
    "chaperon.policy.engine.plan",
    "chaperon.policy.engine.presentation",
    "chaperon.policy.engine.reading",
    "chaperon.policy.engine.rules",
    "chaperon.policy.engine.verdict",
    "chaperon.core.pure",
    "chaperon.core.pure.dates",
    "chaperon.core.pure.json_input",
]

WITHOUT_DJANGO = """
import importlib, json, sys

class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError(f"{name} may not be imported here")
        return None

sys.meta_path.insert(0, NoDjango())
for name in sys.argv[1:]:
    importlib.import_module(name)
"""

JUDGE = """
from chaperon.policy.engine import default_policy, describe, evaluate, plan_from_json
plan = plan_from_json(sys.stdin.read())
print(json.dumps(evaluate(default_policy(), plan).to_dict()))
print(len(describe(default_policy())))
assert not [m for m in sys.modules if m == "django" or m.startswith("django.")]
"""


def _run(code: str, *modules: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code, *modules],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ENGINE.parents[2])},
    )


def test_the_engine_imports_and_judges_where_importing_django_fails() -> None:
    from .plans import one_to_one

    result = _run(
        WITHOUT_DJANGO + JUDGE, *ENGINE_MODULES, stdin=__import__("json").dumps(one_to_one())
    )
    assert result.returncode == 0, result.stderr
    verdict, count = result.stdout.splitlines()
    assert verdict == '{"decision": "allow", "policy": "default@1", "findings": []}'
    assert count == "25"


@pytest.mark.parametrize(
    "module",
    ["chaperon.policy.api", "chaperon.policy.management.commands.policy"],
)
def test_the_django_side_of_the_app_would_be_caught(module: str) -> None:
    result = _run(WITHOUT_DJANGO, module)
    assert result.returncode != 0
    assert "may not be imported here" in result.stderr


@pytest.mark.parametrize(
    "path",
    [
        *sorted(ENGINE.glob("*.py")),
        *sorted(PURE.glob("*.py")),
    ],
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_no_engine_module_reads_the_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not called & {"now", "today", "utcnow", "monotonic", "perf_counter", "time_ns"}
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"time", "random", "secrets", "uuid", "os", "socket"}
