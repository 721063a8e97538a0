"""The key-encryption key (REC-8): outside the database, in a file only we can read, checked
at start with a clear error; ``chaperon vault rewrap`` moves every data key under a new key
without re-encrypting media, resumably and audited."""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.recordings.keys import (
    check_configuration,
    current_wrapper,
    read_key_file,
    write_key_file,
)
from chaperon.recordings.models import DataKey, Track
from chaperon.recordings.services import rewrap
from chaperon.recordings.vault import open_track
from tests.conftest import Cast

from .helpers import make_recording, media, track_file

pytestmark = pytest.mark.clause("REC-8")


def test_a_missing_key_file_stops_the_start_with_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "master.key"
    with (
        override_settings(VAULT_KEY_FILE=missing, VAULT_CREATE_KEY=False),
        pytest.raises(ImproperlyConfigured, match=r"VAULT_KEY_FILE: .* does not exist"),
    ):
        check_configuration()
    assert not missing.exists()


def test_the_embedded_defaults_make_the_key_file_readable_by_us_alone(tmp_path: Path) -> None:
    path = tmp_path / "vault" / "master.key"
    with override_settings(VAULT_KEY_FILE=path, VAULT_CREATE_KEY=True):
        check_configuration()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.stat().st_uid == os.geteuid()


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    write_key_file(path)
    path.chmod(0o644)
    with (
        override_settings(VAULT_KEY_FILE=path),
        pytest.raises(ImproperlyConfigured, match=r"can be read by others .*chmod 600"),
    ):
        check_configuration()


def test_a_file_that_holds_no_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text("not a key\n")
    path.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match="does not hold a key"):
        read_key_file(path)


def test_new_key_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.key"
    call_command("vault", "new-key", str(path))
    assert "back it up apart from the database" in capsys.readouterr().out
    before = path.read_bytes()
    with pytest.raises(Exception, match="never overwritten"):
        call_command("vault", "new-key", str(path))
    assert path.read_bytes() == before


@pytest.mark.django_db
def test_rewrap_moves_every_key_without_touching_media_and_can_resume(
    cast: Cast, tmp_path: Path, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = media(300_000)
    recordings = [make_recording(cast, tracks=[data]) for _ in range(3)]
    media_before = {r.pk: track_file(vault_dir, r).read_bytes() for r in recordings}
    new_path = tmp_path / "new.key"
    write_key_file(new_path)
    new = read_key_file(new_path)

    # Interrupted after the first batch (a batch of one here): the rest stay as they were.
    monkeypatch.setattr(rewrap, "BATCH", 1)

    def stop_after_first(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rewrap.rewrap_all(new, progress=stop_after_first)
    assert DataKey.objects.filter(key_id=new.key_id).count() == 1

    call_command("vault", "rewrap", "--new-key-file", str(new_path))
    assert set(DataKey.objects.values_list("key_id", flat=True)) == {new.key_id}
    events = AuditEvent.objects.filter(action=AuditAction.VAULT_KEYS_REWRAPPED)
    assert sum(event.details["count"] for event in events) == 3
    assert {event.details["to"] for event in events} == {new.key_id}

    # The media files are untouched, and play under the new key once it is the current one.
    for recording in recordings:
        assert track_file(vault_dir, recording).read_bytes() == media_before[recording.pk]
    with override_settings(VAULT_KEY_FILE=new_path, VAULT_PREVIOUS_KEY_FILES=[]):
        assert current_wrapper().key_id == new.key_id
        with open_track(Track.objects.get(recording=recordings[0])) as reader:
            assert b"".join(reader.iter_range(0, reader.size - 1)) == data
