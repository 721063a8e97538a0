"""Every chunk is bound to its recording, track and place (REC-8, LOG-2): a flipped byte, a
swapped chunk, a truncated tail or a chunk from another recording is refused with a clear
error; after destruction, a copy of the ciphertext taken beforehand cannot be decrypted."""

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db.models import F

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.recordings.crypto import CHUNK_SIZE, SEALED_CHUNK_SIZE, ChunkRejected, open_chunk
from chaperon.recordings.models import Recording, Track
from chaperon.recordings.services import recording_destroy
from chaperon.recordings.storage import LocalChunkStore
from chaperon.recordings.vault import RecordingGone, TrackReader, cipher_of, open_track
from tests.conftest import Cast, signed_in

from .helpers import TWO_AND_A_BIT, flip, make_recording, media, track_file

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-2"), pytest.mark.clause("REC-8")]


def _read_all(recording: Recording, number: int = 0) -> bytes:
    with open_track(Track.objects.get(recording=recording, number=number)) as reader:
        return b"".join(reader.iter_range(0, reader.size - 1))


def test_what_was_written_reads_back_and_is_not_stored_in_the_clear(
    cast: Cast, vault_dir: Path
) -> None:
    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    assert _read_all(recording) == data
    stored = track_file(vault_dir, recording).read_bytes()
    assert len(stored) == 2 * SEALED_CHUNK_SIZE + 12 + 12_345 + 16
    assert data[:4096] not in stored and data[CHUNK_SIZE : CHUNK_SIZE + 4096] not in stored
    track = Track.objects.get(recording=recording)
    assert (track.chunk_count, track.size, track.complete) == (3, len(data), True)


def test_a_flipped_byte_is_detected(cast: Cast, vault_dir: Path) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    flip(track_file(vault_dir, recording), SEALED_CHUNK_SIZE + 5000)  # inside chunk 1
    with open_track(Track.objects.get(recording=recording)) as reader:
        assert reader.chunk(0)  # the chunks around it still open
        with pytest.raises(ChunkRejected, match="track 0, chunk 1 failed its integrity check"):
            reader.chunk(1)


def test_swapped_chunks_are_detected(cast: Cast, vault_dir: Path) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    path = track_file(vault_dir, recording)
    stored = path.read_bytes()
    first, second = stored[:SEALED_CHUNK_SIZE], stored[SEALED_CHUNK_SIZE : 2 * SEALED_CHUNK_SIZE]
    path.write_bytes(second + first + stored[2 * SEALED_CHUNK_SIZE :])
    with (
        open_track(Track.objects.get(recording=recording)) as reader,
        pytest.raises(ChunkRejected, match="chunk 0 failed its integrity check"),
    ):
        reader.chunk(0)
        with pytest.raises(ChunkRejected, match="chunk 1 failed its integrity check"):
            reader.chunk(1)


def test_a_truncated_tail_is_detected(cast: Cast, vault_dir: Path) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    path = track_file(vault_dir, recording)
    stored = path.read_bytes()
    path.write_bytes(stored[: 2 * SEALED_CHUNK_SIZE])  # the final chunk dropped
    with (
        open_track(Track.objects.get(recording=recording)) as reader,
        pytest.raises(ChunkRejected, match="chunk 2 is missing: the stored recording was cut"),
    ):
        reader.check_end()


def test_a_tail_cut_at_a_chunk_boundary_is_detected_by_the_final_mark(
    cast: Cast, vault_dir: Path
) -> None:
    """Even if the database's chunk count were cut too, the last chunk left is not marked
    final, so it does not open as the end."""
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    path = track_file(vault_dir, recording)
    path.write_bytes(path.read_bytes()[: 2 * SEALED_CHUNK_SIZE])
    Track.objects.filter(recording=recording).update(chunk_count=2, size=2 * CHUNK_SIZE)
    with (
        open_track(Track.objects.get(recording=recording)) as reader,
        pytest.raises(ChunkRejected, match="track 0, final chunk 1 failed its integrity check"),
    ):
        reader.check_end()


def test_a_chunk_from_another_recording_is_detected(cast: Cast, vault_dir: Path) -> None:
    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    other = make_recording(cast, tracks=[data])  # the very same media
    path, other_path = track_file(vault_dir, recording), track_file(vault_dir, other)
    stored, foreign = path.read_bytes(), other_path.read_bytes()
    path.write_bytes(foreign[:SEALED_CHUNK_SIZE] + stored[SEALED_CHUNK_SIZE:])
    with (
        open_track(Track.objects.get(recording=recording)) as reader,
        pytest.raises(ChunkRejected, match="chunk 0 failed its integrity check"),
    ):
        reader.chunk(0)
    # Even under the right key, its place names the other recording.
    cipher = cipher_of(other)
    with pytest.raises(ChunkRejected):
        open_chunk(cipher, foreign[:SEALED_CHUNK_SIZE], recording.uuid, 0, 0, final=False)
    assert open_chunk(cipher, foreign[:SEALED_CHUNK_SIZE], other.uuid, 0, 0, final=False)


def test_a_chunk_moved_between_tracks_is_detected(cast: Cast, vault_dir: Path) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT), media(TWO_AND_A_BIT, 7)])
    first, second = track_file(vault_dir, recording, 0), track_file(vault_dir, recording, 1)
    stored = first.read_bytes()
    first.write_bytes(second.read_bytes()[:SEALED_CHUNK_SIZE] + stored[SEALED_CHUNK_SIZE:])
    with pytest.raises(ChunkRejected, match="track 0, chunk 0"):
        _read_all(recording, 0)


def test_playback_of_a_damaged_recording_is_refused_with_a_clear_error_and_logged(
    cast: Cast, vault_dir: Path
) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    path = track_file(vault_dir, recording)
    stored = bytearray(path.read_bytes())
    stored[100] ^= 0xFF
    path.write_bytes(bytes(stored))
    client = signed_in(cast.dsl)
    client.post(f"/recordings/{recording.pk}/", {"play-reason": "Reviewing a concern raised"})
    response = client.get(f"/recordings/{recording.pk}/tracks/0/media", HTTP_RANGE="bytes=0-99")
    assert response.status_code == 409
    assert "failed its integrity check" in response.content.decode()
    [logged] = AuditEvent.objects.filter(action=AuditAction.RECORDING_INTEGRITY_FAILED)
    assert logged.actor_id == cast.dsl.pk and "chunk 0" in logged.reason


def test_the_player_page_names_a_cut_short_track(cast: Cast, vault_dir: Path) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    path = track_file(vault_dir, recording)
    path.write_bytes(path.read_bytes()[: SEALED_CHUNK_SIZE + 100])
    client = signed_in(cast.dsl)
    client.post(f"/recordings/{recording.pk}/", {"play-reason": "Reviewing a concern raised"})
    response = client.get(f"/recordings/{recording.pk}/play/")
    assert response.status_code == 409
    body = response.content.decode()
    assert "This recording failed its integrity check" in body
    # Every chunk is checked: the first one damaged (chunk 1, cut short) is named.
    assert "Person 1: track 0, chunk 1 has the wrong length (100 bytes)" in body


@pytest.mark.clause("REC-7")
def test_after_destruction_a_copy_of_the_ciphertext_cannot_be_decrypted(
    cast: Cast, vault_dir: Path, django_capture_on_commit_callbacks
) -> None:
    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    copy = track_file(vault_dir, recording).read_bytes()  # a backup taken beforehand
    wrapped = bytes(recording.data_key.wrapped)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = recording_destroy(
            recording_id=recording.pk, trigger="retention", reason="Retention ended", actor=SYSTEM
        )
    assert certificate is not None
    assert not track_file(vault_dir, recording).exists()  # the ciphertext is deleted
    recording.refresh_from_db()
    with pytest.raises(RecordingGone):
        cipher_of(recording)
    # The copy is whole, but no key that opens it exists any more.
    restored = LocalChunkStore(vault_dir / "restored")
    restored.append_chunk(recording.uuid.hex, 0, 0, copy[:SEALED_CHUNK_SIZE])
    track = Track.objects.get(recording=recording)
    for guess in (AESGCM(AESGCM.generate_key(bit_length=256)), AESGCM(wrapped[:32])):
        with (
            TrackReader(track=track, cipher=guess, store=restored) as reader,
            pytest.raises(ChunkRejected),
        ):
            reader.chunk(0)
    # The only thing that could open it, the wrapped data key, is gone from the database.
    assert not Recording.objects.filter(pk=recording.pk, data_key__isnull=False).exists()


def _player(cast: Cast, recording: Recording):
    client = signed_in(cast.dsl)
    client.post(f"/recordings/{recording.pk}/", {"play-reason": "Reviewing a concern raised"})
    return client.get(f"/recordings/{recording.pk}/play/")


def test_the_player_warns_of_a_flipped_byte_in_a_middle_chunk_on_its_track(
    cast: Cast, vault_dir: Path
) -> None:
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT), media(TWO_AND_A_BIT, 3)])
    flip(track_file(vault_dir, recording, 0), SEALED_CHUNK_SIZE + 5000)  # inside chunk 1 of 3
    response = _player(cast, recording)
    assert response.status_code == 409
    body = response.content.decode()
    assert "This recording failed its integrity check" in body
    assert body.count("Warning: this track failed its integrity check.") == 1
    warning = body.split('id="track-0-warning">', 1)[1].split("</p>", 1)[0]
    assert "track 0, chunk 1 failed its integrity check" in warning
    assert 'id="track-1-warning"' not in body  # the other track is sound
    assert 'aria-describedby="track-0-warning track-0-caption"' in body
    [logged] = AuditEvent.objects.filter(action=AuditAction.RECORDING_INTEGRITY_FAILED)
    assert "chunk 1" in logged.reason


def test_a_sound_track_is_checked_whole_once_until_its_stored_chunks_change(
    cast: Cast, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chaperon.recordings import vault

    opened: list[int] = []
    real_open_chunk = vault.open_chunk

    def counting(*args: object, **kwargs: object) -> bytes:
        opened.append(1)
        return real_open_chunk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vault, "open_chunk", counting)
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT)])
    opened.clear()
    assert _player(cast, recording).status_code == 200
    assert len(opened) == 3  # every chunk, not only the last
    opened.clear()
    assert _player(cast, recording).status_code == 200
    assert opened == []  # remembered: the media is not decrypted a second time to check it
    flip(track_file(vault_dir, recording), 200)  # the first chunk changed since
    response = _player(cast, recording)
    assert response.status_code == 409
    assert "track 0, chunk 0 failed its integrity check" in response.content.decode()


def test_the_player_gives_each_track_its_known_length(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(1000), media(1000, 5)])
    Track.objects.filter(recording=recording, number=0).update(
        ended_at=F("started_at") + timedelta(seconds=95.5)
    )
    Track.objects.filter(recording=recording, number=1).update(ended_at=None, closed=True)
    body = _player(cast, recording).content.decode()
    assert body.count("data-duration=") == 1
    assert 'data-duration="95.500000"' in body
