"""The recorder writes to the vault that ``ROOM_RECORDING_VAULT`` names: the recordings app's
services unless a test names a fake. Both answer to the recorder's ``Vault`` interface."""

import pytest
from django.conf import LazySettings

from chaperon.recordings import services as recordings
from chaperon.recordings.models import Recording
from chaperon.rooms.services.recorder import RecordingsVault, Vault, recording_vault
from tests.conftest import Cast
from tests.recordings.helpers import make_recording

from .helpers import FakeVault


def test_by_default_the_recorder_writes_to_the_recordings_services() -> None:
    # Typed as the interface: mypy checks that the real vault and the fake both fit it.
    real: Vault = RecordingsVault()
    fake: Vault = FakeVault()
    assert real is not fake
    vault = recording_vault()
    assert isinstance(vault, RecordingsVault)
    assert vault.Appearance is recordings.Appearance
    assert vault.recording_begin is recordings.recording_begin
    assert vault.track_open is recordings.track_open
    assert vault.track_gap is recordings.track_gap
    assert vault.recording_finish is recordings.recording_finish


@pytest.mark.django_db
def test_the_recordings_vault_finds_a_recording_by_its_id(cast: Cast) -> None:
    made = make_recording(cast)
    found = RecordingsVault().recording(made.pk)
    assert isinstance(found, Recording) and found.pk == made.pk
    with pytest.raises(Recording.DoesNotExist):
        RecordingsVault().recording(made.pk + 1000)


def test_a_test_names_its_own_vault(settings: LazySettings) -> None:
    settings.ROOM_RECORDING_VAULT = "tests.rooms.helpers.FakeVault"
    FakeVault.forget()
    vault: Vault = recording_vault()
    assert isinstance(vault, FakeVault)
    vault.recording_begin(actor=None, session=None, purpose="p", appearances=[])
    assert len(FakeVault().begun) == 1  # what one was asked, every one knows
    FakeVault.forget()
