"""Taking a backup: the database and the vault's ciphertext as they were at one moment.

The database's state and the list of what the vault must hold come from the same snapshot:
on PostgreSQL a REPEATABLE READ transaction exports its snapshot, ``pg_dump --snapshot`` dumps
exactly it, and the rows counted and the tracks listed are read in it; on SQLite the online
backup API copies the database and the counts and tracks are read from that copy. A track's
file only ever grows (chunks are appended), so copying the length the snapshot knows of gives
the vault as it was then: a closed track's whole file, an open track's complete chunks.
Recordings destroyed before the snapshot are not copied; their data keys are gone from it.

The files are read and hashed by a reader thread, written as a tar stream into the sealing
writer's records, and sealed and written by its own thread: reading, hashing, sealing and
writing overlap (``_FileReader``, ``_TarStream``, ``archive.SealingWriter``).

The backup holds no key-encryption key: the data keys in it are wrapped, and the key that
unwraps them (``VAULT_KEY_FILE``) is backed up apart, as the vault's documentation says.
"""

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from queue import Empty, Queue
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.dateparse import parse_datetime

from chaperon.recordings.crypto import SEALED_CHUNK_SIZE
from chaperon.recordings.models import DataKey, LegalHold, Recording, Track

from .archive import RECORD_SIZE, BackupKey, PipelineStopped, SealingWriter, put_until

Progress = Callable[[str, int], None]


class BackupFailed(Exception):
    """The backup could not be taken; nothing was left in the backup folder."""


@dataclass
class TrackCopy:
    recording: str  # uuid hex
    number: int
    length: int  # bytes to copy
    closed: bool
    chunk_count: int


@dataclass
class Snapshot:
    engine: str
    tables: dict[str, int]
    migrations: dict[str, str]
    recordings: dict[str, dict[str, Any]] = field(default_factory=dict)
    tracks: list[TrackCopy] = field(default_factory=list)


def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        found = value
    else:
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise BackupFailed(f"cannot read the date {value!r} from the database")
        found = parsed
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _read_state(cursor: Any, engine: str) -> Snapshot:
    """Counts of every table, the migrations applied, and what the vault holds, as the cursor
    sees the database (the snapshot)."""
    if engine == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY 1"
        )
    names = [row[0] for row in cursor.fetchall()]
    tables = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 (names from the catalogue)
        tables[name] = int(cursor.fetchone()[0])
    migrations: dict[str, str] = {}
    cursor.execute(
        f'SELECT app, name FROM "{MigrationRecorder.Migration._meta.db_table}" ORDER BY app, name'  # noqa: S608
    )
    for app, name in cursor.fetchall():
        migrations[app] = name  # the names sort in order: the last is the latest
    snapshot = Snapshot(engine=engine, tables=tables, migrations=migrations)
    recording, key, track, hold = (
        Recording._meta.db_table,
        DataKey._meta.db_table,
        Track._meta.db_table,
        LegalHold._meta.db_table,
    )
    cursor.execute(
        f'SELECT r.id, r.uuid, r.retain_until, k.key_id, EXISTS (SELECT 1 FROM "{hold}" h '  # noqa: S608
        "WHERE h.recording_id = r.id AND h.released_at IS NULL) "
        f'FROM "{recording}" r JOIN "{key}" k ON k.recording_id = r.id ORDER BY r.id'
    )
    by_id: dict[int, str] = {}
    for pk, value, retain_until, key_id, held in cursor.fetchall():
        hex_uuid = uuid.UUID(str(value)).hex
        by_id[int(pk)] = hex_uuid
        snapshot.recordings[hex_uuid] = {
            "key_id": key_id,
            "retain_until": _as_datetime(retain_until).isoformat(),
            "held": bool(held),
            "tracks": {},
        }
    cursor.execute(
        f'SELECT recording_id, number, closed, chunk_count FROM "{track}" '  # noqa: S608
        "ORDER BY recording_id, number"
    )
    for recording_id, number, closed, chunk_count in cursor.fetchall():
        owner = by_id.get(int(recording_id))
        if owner is None:
            continue  # destroyed: its ciphertext is not kept
        snapshot.tracks.append(TrackCopy(owner, int(number), 0, bool(closed), int(chunk_count)))
    return snapshot


def _pg_environment(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for PostgreSQL's own tools, and the environment they need."""
    arguments = []
    if database.get("HOST"):
        arguments += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", str(database["USER"])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupFailed(
            f"{command[0]} is not installed: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client) to back up or restore PostgreSQL"
        )
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupFailed(f"{what} failed: {done.stderr.strip() or done.returncode}")


@contextmanager
def database_snapshot(work: Path) -> Iterator[tuple[Snapshot, Path]]:
    """The database's state and a copy of it (a dump or a SQLite file) from one snapshot."""
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        dump = work / "database.dump"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            snapshot = _read_state(cursor, "postgresql")
            arguments, environment = _pg_environment(database)
            _run(
                [
                    "pg_dump",
                    *arguments,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={dump}",
                    str(database["NAME"]),
                ],
                environment,
                "pg_dump",
            )
        yield snapshot, dump
    elif connection.vendor == "sqlite":
        copy = work / "database.sqlite3"
        source = sqlite3.connect(str(database["NAME"]))
        target = sqlite3.connect(str(copy))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            snapshot = _read_state(target.cursor(), "sqlite")
        finally:
            target.close()
            source.close()
        yield snapshot, copy
    else:
        raise BackupFailed(f"backups of a {connection.vendor} database are not supported")


def _vault_root() -> Path:
    if settings.VAULT_STORAGE != "local":
        raise BackupFailed(
            f"VAULT_STORAGE is {settings.VAULT_STORAGE!r}: `chaperon backup` copies a local "
            "vault (VAULT_DIR); an object store keeps its own versions and replicas "
            "(docs/backups.md)"
        )
    return Path(settings.VAULT_DIR)


def _measure_tracks(snapshot: Snapshot, root: Path) -> None:
    """How much of each track file belongs to the snapshot."""
    for track in snapshot.tracks:
        path = root / track.recording / f"track-{track.number}.chunks"
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            if track.chunk_count:
                raise BackupFailed(
                    f"recording {track.recording}: track {track.number} is gone from the vault "
                    "(destroyed while the backup was taken?); take the backup again"
                ) from None
            size = 0
        if track.closed:
            expected_min = (track.chunk_count - 1) * SEALED_CHUNK_SIZE if track.chunk_count else 0
            if size < expected_min:
                raise BackupFailed(
                    f"recording {track.recording}: track {track.number} holds {size} bytes, "
                    f"fewer than its {track.chunk_count} chunks: check the vault (`chaperon "
                    "restore` would refuse this recording)"
                )
            track.length = size
        else:
            track.length = size - size % SEALED_CHUNK_SIZE  # complete chunks only


READ_SIZE = RECORD_SIZE  # bytes read from a file at a time
READ_AHEAD = 4  # pieces read ahead of the sealing


@dataclass(frozen=True)
class _Read:
    """The end of one file read: its checksum."""

    sha256: str


class _FileReader:
    """Reads files whole, in order, in a thread of its own, each up to its length, hashing
    as it reads (hashlib releases the GIL on large buffers), into a bounded queue: pieces of
    each file, then its checksum."""

    def __init__(self, files: list[tuple[Path, int]]) -> None:
        self._files = files
        self._queue: Queue[bytes | _Read | BaseException] = Queue(READ_AHEAD)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._read_all, name="backup-reader", daemon=True)
        self._thread.start()

    def _read_all(self) -> None:
        try:
            for path, length in self._files:
                digest = hashlib.sha256()
                with path.open("rb", buffering=0) as source:
                    left = length
                    while left:
                        piece = source.read(min(READ_SIZE, left))
                        if not piece:
                            raise BackupFailed(
                                f"{path} was cut short while the backup was taken: take the "
                                "backup again"
                            )
                        digest.update(piece)
                        left -= len(piece)
                        put_until(self._queue, piece, self._stopped)
                put_until(self._queue, _Read(digest.hexdigest()), self._stopped)
        except PipelineStopped:
            return
        except BaseException as error:
            with contextlib.suppress(PipelineStopped):
                put_until(self._queue, error, self._stopped)

    def pieces(self) -> Iterator[bytes | _Read]:
        while True:
            item = self._queue.get()
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self._stopped.set()
        while self._thread.is_alive():
            with contextlib.suppress(Empty):
                self._queue.get(timeout=0.2)
        self._thread.join()


class _TarStream:
    """A tar stream (as ``tarfile`` writes one, PAX format) written straight into the sealing
    writer: each member's header, its data as read, its padding."""

    def __init__(self, out: SealingWriter) -> None:
        self._out = out
        self._offset = 0

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._offset += len(data)

    def begin(self, name: str, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        self._write(info.tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, "surrogateescape"))

    def data(self, piece: bytes) -> None:
        self._write(piece)

    def end_member(self, size: int) -> None:
        remainder = size % tarfile.BLOCKSIZE
        if remainder:
            self._write(tarfile.NUL * (tarfile.BLOCKSIZE - remainder))

    def add_bytes(self, name: str, data: bytes) -> None:
        self.begin(name, len(data))
        self.data(data)
        self.end_member(len(data))

    def close(self) -> None:
        self._write(tarfile.NUL * (tarfile.BLOCKSIZE * 2))
        remainder = self._offset % tarfile.RECORDSIZE
        if remainder:
            self._write(tarfile.NUL * (tarfile.RECORDSIZE - remainder))


def _keep_until(taken: datetime, recordings: dict[str, dict[str, Any]]) -> datetime:
    """The backup is kept until the first recording in it (not held as evidence) is due for
    destruction, and never longer than BACKUP_KEEP_DAYS."""
    keep_until = taken + timedelta(days=int(settings.BACKUP_KEEP_DAYS))
    for facts in recordings.values():
        if not facts["held"]:
            keep_until = min(keep_until, datetime.fromisoformat(facts["retain_until"]))
    return max(keep_until, taken)


@dataclass(frozen=True)
class TakenBackup:
    path: Path
    size: int
    tables: int
    rows: int
    recordings: int
    vault_bytes: int


def backup_name(taken: datetime) -> str:
    return f"chaperon-{taken.strftime('%Y%m%dT%H%M%S%fZ')}.backup"


def take_backup(
    folder: Path, key: BackupKey, *, progress: Progress = lambda stage, done: None
) -> TakenBackup:
    """Write one backup into ``folder``: written under a temporary name, synced, then renamed,
    so a backup there is always whole."""
    root = _vault_root()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    taken = datetime.now(UTC)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".taking-") as work_name:
        work = Path(work_name)
        with database_snapshot(work) as (snapshot, database_copy):
            _measure_tracks(snapshot, root)
        progress("database", database_copy.stat().st_size)
        files: dict[str, dict[str, Any]] = {}
        partial = work / "backup.partial"
        header = {
            "taken_at": taken.isoformat(),
            "keep_until": _keep_until(taken, snapshot.recordings).isoformat(),
            "engine": snapshot.engine,
            "recordings": len(snapshot.recordings),
        }
        vault_bytes = 0
        members: list[tuple[str, Path, int, TrackCopy | None]] = [
            (f"database/{database_copy.name}", database_copy, database_copy.stat().st_size, None)
        ]
        for track in snapshot.tracks:
            if track.length:
                members.append(
                    (
                        f"vault/{track.recording}/track-{track.number}.chunks",
                        root / track.recording / f"track-{track.number}.chunks",
                        track.length,
                        track,
                    )
                )
        with partial.open("wb", buffering=0) as out:
            reader = _FileReader([(path, length) for _, path, length, _ in members])
            try:
                with SealingWriter(out, key, header) as writer:
                    tar = _TarStream(writer)
                    pieces = reader.pieces()
                    for name, _, length, copied in members:
                        tar.begin(name, length)
                        while not isinstance(piece := next(pieces), _Read):
                            tar.data(piece)
                            if copied is not None:
                                vault_bytes += len(piece)
                                progress("vault", vault_bytes)
                        tar.end_member(length)
                        files[name] = {"bytes": length, "sha256": piece.sha256}
                        if copied is not None:
                            snapshot.recordings[copied.recording]["tracks"][str(copied.number)] = {
                                "closed": copied.closed,
                                "chunk_count": copied.chunk_count,
                                "bytes": copied.length,
                                "sha256": piece.sha256,
                            }
                    manifest = {
                        **header,
                        "migrations": snapshot.migrations,
                        "tables": snapshot.tables,
                        "recordings": snapshot.recordings,
                        "files": files,
                    }
                    tar.add_bytes(
                        "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode()
                    )
                    tar.close()
                    writer.finish()
            finally:
                reader.stop()
            os.fsync(out.fileno())
        final = folder / backup_name(taken)
        partial.chmod(0o600)
        partial.replace(final)
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    return TakenBackup(
        path=final,
        size=final.stat().st_size,
        tables=len(snapshot.tables),
        rows=sum(snapshot.tables.values()),
        recordings=len(snapshot.recordings),
        vault_bytes=vault_bytes,
    )
