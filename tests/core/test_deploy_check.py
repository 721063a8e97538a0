import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(**extra_env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_SETTINGS_MODULE="chaperon.settings.prod", **extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check_with_no_warnings() -> None:
    result = _check(
        SECRET_KEY="k" + "x7Qp2-Lm9_Zr4tWv8Ny3Bc6Hd1Jf5Gs0Ak" * 2,
        ALLOWED_HOSTS="chaperon.school.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _check(SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY: required" in result.stderr
