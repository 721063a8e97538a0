"""The sealed backup stream itself: sealing runs beside what feeds it, and what is read back is
exactly what was written, record boundaries and all, or refused."""

import io
import os
import struct

import pytest

from chaperon.backups.archive import (
    RECORD_SIZE,
    TAG_SIZE,
    BackupKey,
    BackupRefused,
    OpeningReader,
    SealingWriter,
)

KEY = BackupKey(bytes(range(32)))


def sealed(*pieces: bytes) -> bytes:
    out = io.BytesIO()
    with SealingWriter(out, KEY, {"taken_at": "2026-01-05T09:00:00+00:00"}) as writer:
        for piece in pieces:
            writer.write(piece)
        writer.finish()
    return out.getvalue()


def opened(backup: bytes) -> bytes:
    with OpeningReader(io.BytesIO(backup), KEY) as reader:
        found = reader.read()
        reader.drain()
    return found


def records(backup: bytes) -> tuple[bytes, list[bytes]]:
    """The backup's head, and each record as stored (its length, flag and ciphertext)."""
    (length,) = struct.unpack(">I", backup[18:22])
    offset = 18 + 4 + length + 32
    head, found = backup[:offset], []
    while offset < len(backup):
        (size,) = struct.unpack(">I", backup[offset : offset + 4])
        found.append(backup[offset : offset + 5 + size])
        offset += 5 + size
    return head, found


@pytest.mark.parametrize(
    "sizes",
    [[0], [RECORD_SIZE], [RECORD_SIZE - 1, 1, 1], [3 * RECORD_SIZE + 17], [100, RECORD_SIZE * 2]],
    ids=["empty", "one whole record", "across a boundary", "several records", "mixed writes"],
)
def test_what_is_sealed_reads_back_exactly(sizes: list[int]) -> None:
    pieces = [os.urandom(size) for size in sizes]
    backup = sealed(*pieces)
    _, found = records(backup)
    assert len(found) == sum(sizes) // RECORD_SIZE + 1  # the last record is always final
    assert all(len(record) <= 5 + RECORD_SIZE + TAG_SIZE for record in found)
    assert opened(backup) == b"".join(pieces)


def test_records_dropped_or_swapped_are_refused() -> None:
    backup = sealed(os.urandom(2 * RECORD_SIZE + 10))
    head, found = records(backup)
    with pytest.raises(BackupRefused, match="part 1 does not authenticate"):
        opened(head + found[0] + found[2])
    with pytest.raises(BackupRefused, match="part 0 does not authenticate"):
        opened(head + found[1] + found[0] + found[2])
    with pytest.raises(BackupRefused, match="cut short"):
        opened(head + found[0] + found[1])


def test_a_reader_left_part_way_stops_reading_ahead() -> None:
    backup = sealed(os.urandom(8 * RECORD_SIZE))
    reader = OpeningReader(io.BytesIO(backup), KEY)
    assert len(reader.read(10)) == 10
    reader.close()
    assert reader.closed


class FailingFile(io.BytesIO):
    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def write(self, data: object) -> int:
        if self.tell() > self.after:
            raise OSError(28, "No space left on device")
        return super().write(data)  # type: ignore[arg-type]


def test_a_failed_write_is_raised_to_whoever_seals() -> None:
    out = FailingFile(after=RECORD_SIZE)
    writer = SealingWriter(out, KEY, {})
    with pytest.raises(OSError, match="No space left"):
        for _ in range(16):
            writer.write(os.urandom(RECORD_SIZE))
        writer.finish()
    writer.close()
    assert len(out.getvalue()) < 3 * RECORD_SIZE
