import os
import subprocess
import sys
from pathlib import Path

import pytest

from chaperon.core.keyfiles import write_key_file

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


SECRET = "k" + "x7Qp2-Lm9_Zr4tWv8Ny3Bc6Hd1Jf5Gs0Ak" * 2


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "vault" / "master.key"
    write_key_file(path)
    return path


@pytest.fixture(autouse=True)
def digest_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The audit digest's signing key, which production also needs to start."""
    path = tmp_path / "vault" / "audit-digest.key"
    write_key_file(path)
    monkeypatch.setenv("AUDIT_DIGEST_KEY_FILE", str(path))
    return path


def test_production_settings_pass_the_deployment_check_with_no_warnings(key_file: Path) -> None:
    result = _check(
        SECRET_KEY=SECRET, ALLOWED_HOSTS="chaperon.school.example", VAULT_KEY_FILE=str(key_file)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_the_recordings_key(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "master.key"
    result = _check(
        SECRET_KEY=SECRET, ALLOWED_HOSTS="chaperon.school.example", VAULT_KEY_FILE=str(missing)
    )
    assert result.returncode != 0
    assert f"VAULT_KEY_FILE: {missing} does not exist" in result.stderr
    assert "chaperon vault new-key" in result.stderr
    assert not missing.exists()


def test_production_refuses_a_key_file_others_can_read(key_file: Path) -> None:
    key_file.chmod(0o644)
    result = _check(
        SECRET_KEY=SECRET, ALLOWED_HOSTS="chaperon.school.example", VAULT_KEY_FILE=str(key_file)
    )
    assert result.returncode != 0
    assert f"run `chmod 600 {key_file}`" in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _check(SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY: required" in result.stderr


def test_production_refuses_to_start_without_the_audit_digest_key(
    key_file: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "audit-digest.key"
    result = _check(
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="chaperon.school.example",
        VAULT_KEY_FILE=str(key_file),
        AUDIT_DIGEST_KEY_FILE=str(missing),
    )
    assert result.returncode != 0
    assert f"AUDIT_DIGEST_KEY_FILE: {missing} does not exist" in result.stderr
    assert "chaperon audit new-key" in result.stderr
    assert not missing.exists()
