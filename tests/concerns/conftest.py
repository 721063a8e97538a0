from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The public page's limits live in the cache: each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()
