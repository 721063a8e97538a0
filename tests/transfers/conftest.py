import pytest
from django.core.files.storage import default_storage

from tests.concerns.helpers import stored_files


@pytest.fixture(autouse=True)
def _no_documents_kept() -> None:
    """Stored documents live in memory for the whole run: each test starts with none."""
    for path in stored_files():
        default_storage.delete(path)
