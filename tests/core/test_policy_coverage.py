"""docs/policy-coverage.md is generated from the code: it must match what the code says now."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_policy_coverage_document_is_up_to_date() -> None:
    checked = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "scripts" / "policy-coverage"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
