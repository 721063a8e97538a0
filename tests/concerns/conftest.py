from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage

from .helpers import stored_files


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The emergency page's contacts live in the cache: each test starts with none kept."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_documents_kept() -> None:
    """Stored documents live in memory for the whole run: each test starts with none."""
    for path in stored_files():
        default_storage.delete(path)


@pytest.fixture(autouse=True)
def _own_spool(tmp_path, settings) -> None:
    """Each test keeps its spooled reports in a folder of its own."""
    settings.CONCERN_SPOOL_DIR = tmp_path / "spool"
