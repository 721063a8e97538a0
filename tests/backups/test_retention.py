"""What a backup keeps: pruned once older than the retention of what it holds, and a recording
destroyed after a backup unreadable in it once its key-encryption key is rotated and retired."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from chaperon.backups.archive import read_backup_key, read_header
from chaperon.backups.pruning import backups_in, prune_backups
from chaperon.backups.restoring import RestoreRefused, check_keys, read_manifest
from chaperon.recordings.keys import (
    KeyUnavailable,
    current_wrapper,
    read_key_file,
    wrapper_for,
    write_key_file,
)
from chaperon.recordings.models import DataKey, DestructionTrigger, Recording
from chaperon.recordings.services import recording_destroy
from chaperon.recordings.vault import open_track
from tests.conftest import Cast
from tests.recordings.helpers import make_recording, media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clause("REC-1")]


def backup_now(folder: Path) -> Path:
    before = set(backups_in(folder))
    call_command("backup", "--to", str(folder))
    (made,) = set(backups_in(folder)) - before
    return made


def test_backups_past_the_retention_of_what_they_hold_are_pruned_and_the_newest_kept(
    cast: Cast, tmp_path: Path
) -> None:
    recording = make_recording(cast, tracks=[media(50_000)])
    due = timezone.now() + timedelta(days=3)
    Recording.objects.filter(pk=recording.pk).update(retain_until=due)
    folder = tmp_path / "backups"
    older, newer = backup_now(folder), backup_now(folder)
    key = read_backup_key()
    with older.open("rb") as source:
        header, _ = read_header(source, key)
    assert datetime.fromisoformat(header["keep_until"]) == due

    kept = prune_backups(folder, key, now=due - timedelta(seconds=1))
    assert kept.deleted == []
    assert backups_in(folder) == [older, newer]

    pruned = prune_backups(folder, key, now=due + timedelta(days=1))
    assert pruned.deleted == [older]
    assert backups_in(folder) == [newer]  # the newest is always kept


def test_a_backup_is_kept_no_longer_than_backup_keep_days(cast: Cast, tmp_path: Path) -> None:
    recording = make_recording(cast, tracks=[media(50_000)])
    Recording.objects.filter(pk=recording.pk).update(
        retain_until=timezone.now() + timedelta(days=400)
    )
    with override_settings(BACKUP_KEEP_DAYS=20):
        made = backup_now(tmp_path / "backups")
    with made.open("rb") as source:
        header, _ = read_header(source, read_backup_key())
    taken = datetime.fromisoformat(header["taken_at"])
    assert datetime.fromisoformat(header["keep_until"]) == taken + timedelta(days=20)


def test_a_prune_with_another_key_deletes_nothing(cast: Cast, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    older, newer = backup_now(folder), backup_now(folder)
    other_key = tmp_path / "other.key"
    write_key_file(other_key)
    result = prune_backups(
        folder, read_backup_key(other_key), now=datetime.now(UTC) + timedelta(days=999)
    )
    assert result.deleted == []
    assert [path for path, _ in result.unreadable] == [older, newer]
    assert backups_in(folder) == [older, newer]


def test_a_recording_destroyed_after_a_backup_is_unreadable_in_it_once_its_key_is_retired(
    cast: Cast, tmp_path: Path
) -> None:
    """The sequence of docs/backups.md: destroy, make a new key, rewrap, back up, retire the
    old key. The old backup still holds the destroyed recording's ciphertext and wrapped data
    key, but nothing configured can unwrap it."""
    folder = tmp_path / "backups"
    destroyed = make_recording(cast, tracks=[media(80_000, 1)])
    kept = make_recording(cast, tracks=[media(60_000, 2)])
    old_key = Path(settings.VAULT_KEY_FILE)
    old_id = read_key_file(old_key).key_id
    wrapped = bytes(DataKey.objects.get(recording=destroyed).wrapped)
    before = backup_now(folder)

    recording_destroy(
        recording_id=destroyed.pk,
        trigger=DestructionTrigger.RETENTION,
        reason="Its retention period under the recording policy ended",
        actor=cast.dsl,
    )
    new_key = tmp_path / "keys" / "vault-2.key"
    call_command("vault", "new-key", str(new_key))
    with override_settings(VAULT_KEY_FILE=new_key, VAULT_PREVIOUS_KEY_FILES=[old_key]):
        call_command("vault", "rewrap", "--new-key-file", str(new_key))
        after = backup_now(folder)

    with override_settings(VAULT_KEY_FILE=new_key, VAULT_PREVIOUS_KEY_FILES=[]):  # retired
        old_manifest = read_manifest(before, read_backup_key())
        assert old_manifest["recordings"][destroyed.uuid.hex]["key_id"] == old_id
        with pytest.raises(RestoreRefused, match=f"wrapped under {old_id}.*retired"):
            check_keys(old_manifest)
        with pytest.raises(KeyUnavailable):
            wrapper_for(old_id)
        with pytest.raises(KeyUnavailable):
            current_wrapper().unwrap(wrapped, context=destroyed.uuid.bytes)

        new_manifest = read_manifest(after, read_backup_key())
        assert set(new_manifest["recordings"]) == {kept.uuid.hex}
        assert new_manifest["recordings"][kept.uuid.hex]["key_id"] == read_key_file(new_key).key_id
        check_keys(new_manifest)  # the newer backup restores with the current key alone
        track = kept.tracks.get()
        with open_track(track) as reader:
            assert b"".join(reader.iter_range(0, track.size - 1)) == media(60_000, 2)
