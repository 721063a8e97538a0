from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def vault_dir(tmp_path: Path) -> Iterator[Path]:
    """Each test keeps its recordings in a folder of its own."""
    folder = tmp_path / "vault"
    with override_settings(VAULT_DIR=folder):
        yield folder
