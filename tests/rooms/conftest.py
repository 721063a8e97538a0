from collections.abc import Iterator

import pytest
from django.conf import LazySettings

from .helpers import FakeVault, asgi_server, reset_channel_layer

# Sessions in these tests are booked a week or two ahead (inside the learners' consented
# hours); the door's hours are tested on their own in test_door.py.
DOOR_OPEN_FOR_WEEKS = 3 * 7 * 24 * 60


@pytest.fixture
def asgi_live_server(settings: LazySettings) -> Iterator[str]:
    """The base URL of a real ASGI server (pytest-django's live_server has no WebSockets).
    Use with ``@pytest.mark.django_db(transaction=True)``. Media stays on loopback."""
    settings.ROOM_ICE_ONLY_ADDRESS = "127.0.0.1"
    with asgi_server() as url:
        yield url


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> None:
    reset_channel_layer()


@pytest.fixture(autouse=True)
def door_open_now(settings: LazySettings) -> None:
    settings.ROOM_OPENS_MINUTES_BEFORE = DOOR_OPEN_FOR_WEEKS


@pytest.fixture
def vault(settings: LazySettings) -> Iterator[FakeVault]:
    """The recorder writes to a fake vault, whose record of what it was asked starts empty."""
    FakeVault.forget()
    settings.ROOM_RECORDING_VAULT = "tests.rooms.helpers.FakeVault"
    yield FakeVault()
    FakeVault.forget()
