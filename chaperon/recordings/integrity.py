"""Checking a whole track before it is played (REC-8, LOG-2).

Every chunk is opened (its tag checked against its place), so damage anywhere in a track is
found before the player says all is well, not only when playback reaches it. The check is
remembered for a track while its stored chunks stay as they were (the store's fingerprint of
them), so playing it again does not decrypt the whole media once more; a store without a
cheap fingerprint is checked each time. Playback still checks each chunk it sends.
"""

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.cache import cache

from .crypto import ChunkRejected
from .models import Track
from .storage import ChunkStore
from .vault import TrackReader

REMEMBERED_FOR = 7 * 24 * 60 * 60  # seconds


def _key(track: Track, fingerprint: str) -> str:
    recording = track.recording.uuid.hex
    return f"vault-checked:{recording}:{track.number}:{track.chunk_count}:{fingerprint}"


def track_problem(track: Track, *, cipher: AESGCM, store: ChunkStore) -> ChunkRejected | None:
    """What is wrong with the stored track, or None when every chunk opens."""
    fingerprint = store.fingerprint(track.recording.uuid.hex, track.number)
    if fingerprint is not None and cache.get(_key(track, fingerprint)):
        return None
    try:
        with TrackReader(track=track, cipher=cipher, store=store) as reader:
            reader.check_all()
    except ChunkRejected as error:
        return error
    if fingerprint is not None:
        cache.set(_key(track, fingerprint), True, timeout=REMEMBERED_FOR)
    return None
