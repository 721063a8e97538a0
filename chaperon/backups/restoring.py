"""Restoring a backup onto an empty database and an empty vault, then checking it.

Nothing is written to the database or the vault until the whole backup has been read and
authenticated: it is unpacked into a folder beside ``VAULT_DIR`` first, every record's tag and
every file checked against the manifest, and the data keys' key-encryption keys
found among those configured. Only then is the database's load committed and the recordings
moved into the vault. On PostgreSQL the load itself starts as soon as the database dump (the
backup's first file) is unpacked, overlapping with the unpacking of the recordings, but it
runs in one transaction held open until the whole backup has been authenticated: a refusal
rolls it back, and the database is left empty (``_HeldLoad``). A SQLite file is put in place
after the checks. The
result is then checked as a whole: every table's count against the manifest, and the audit
log's hash chains while, in a thread beside, every chunk of every recording is opened with
its data key.
"""

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection

from chaperon.audit.verify import verify_chain
from chaperon.recordings.integrity import track_problem
from chaperon.recordings.keys import KeyUnavailable, wrapper_for
from chaperon.recordings.models import Recording
from chaperon.recordings.storage import chunk_store
from chaperon.recordings.vault import RecordingGone, cipher_of

from .archive import RECORD_SIZE, BackupKey, BackupRefused, OpeningReader
from .taking import BackupFailed, _pg_environment, _read_state, _run

_VAULT_FILE = re.compile(r"vault/([0-9a-f]{32})/track-(\d+)\.chunks")
_DATABASE_FILES = {"database/database.dump": "postgresql", "database/database.sqlite3": "sqlite"}
Progress = Callable[[str, int], None]


class RestoreRefused(Exception):
    """The restore was refused; nothing was written to the database or the vault."""


class RestoreCheckFailed(Exception):
    """The backup was restored, but a check of the result failed."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    events: int
    chains: int
    recordings: int
    tracks: int


def _database_is_empty() -> bool:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return True
        found = sqlite3.connect(str(path))
        try:
            tables = found.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            found.close()
        return int(tables) == 0
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _vault_holds_recordings(root: Path) -> bool:
    if not root.exists():
        return False
    return any(re.fullmatch(r"[0-9a-f]{32}", entry.name) for entry in root.iterdir())


def _unpack(
    source: BinaryIO,
    key: BackupKey,
    staging: Path,
    progress: Progress,
    database_unpacked: Callable[[Path], None] = lambda path: None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Path]:
    """Every file of the backup into ``staging``, checked; the manifest, the files' sizes and
    the database file.

    Every byte is authenticated by its record's AES-GCM tag before it is given out, and the
    manifest travels in the same authenticated stream, so each file is checked against the
    manifest by name and size only: hashing it again with SHA-256 would add no assurance
    against alteration (the manifest's checksums stay in it, as a record of what was
    taken)."""
    reader = OpeningReader(source, key)
    try:
        return _unpack_from(reader, staging, progress, database_unpacked)
    finally:
        reader.close()


def _unpack_from(
    reader: OpeningReader,
    staging: Path,
    progress: Progress,
    database_unpacked: Callable[[Path], None] = lambda path: None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Path]:
    found: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    database: Path | None = None
    done = 0
    try:
        with tarfile.open(fileobj=reader, mode="r|", bufsize=RECORD_SIZE) as tar:
            for member in tar:
                if not member.isfile():
                    raise BackupRefused(f"the backup holds {member.name!r}, which is not a file")
                extracted = tar.extractfile(member)
                if extracted is None:
                    raise BackupRefused(f"the backup's {member.name!r} cannot be read")
                if member.name == "manifest.json":
                    manifest = json.loads(extracted.read())
                    continue
                if member.name in _DATABASE_FILES:
                    target = staging / Path(member.name).name
                    database = target
                elif (match := _VAULT_FILE.fullmatch(member.name)) is not None:
                    target = staging / "vault" / match[1] / f"track-{match[2]}.chunks"
                    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                else:
                    raise BackupRefused(f"the backup holds {member.name!r}, which it never should")
                descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                written = 0
                with os.fdopen(descriptor, "wb", buffering=0) as out:
                    while piece := extracted.read(RECORD_SIZE):
                        out.write(piece)
                        written += len(piece)
                        done += len(piece)
                        progress("read", done)
                if written != member.size:
                    raise BackupRefused(f"the backup's {member.name!r} is cut short")
                found[member.name] = {"bytes": written}
                if target == database:
                    database_unpacked(database)
        reader.drain()
    except tarfile.TarError as error:
        raise BackupRefused(f"the backup's contents are damaged ({error})") from None
    if manifest is None or database is None:
        raise BackupRefused("the backup has no manifest or no database: it is not whole")
    listed = {
        name: {"bytes": facts.get("bytes")} for name, facts in manifest.get("files", {}).items()
    }
    if listed != found:
        differing = sorted(
            set(found) ^ set(listed) or {name for name in found if listed[name] != found[name]}
        )
        raise BackupRefused(
            f"the backup's files do not match its manifest ({', '.join(differing[:3])})"
        )
    return manifest, found, database


def _check_keys(manifest: dict[str, Any]) -> None:
    for key_id in sorted({facts["key_id"] for facts in manifest["recordings"].values()}):
        try:
            wrapper_for(key_id)
        except KeyUnavailable:
            count = sum(1 for f in manifest["recordings"].values() if f["key_id"] == key_id)
            raise RestoreRefused(
                f"{count} recording(s) in this backup have their data keys wrapped under "
                f"{key_id}, which is neither VAULT_KEY_FILE nor one of VAULT_PREVIOUS_KEY_FILES: "
                "configure that key-encryption key (from its own backup) and restore again. "
                "If it was retired after a key rotation, the recordings in this backup can no "
                "longer be read (docs/backups.md)"
            ) from None


class _HeldLoad:
    """``pg_restore`` started as soon as the database dump is unpacked, while the rest of the
    backup is still being read and authenticated, its work held in one open transaction
    until the whole backup has been: then committed, or rolled back on a refusal.

    ``pg_restore`` writes its SQL straight into ``psql``'s input, after a ``BEGIN`` written
    here; this process keeps ``psql``'s input open, so ``psql`` waits, inside the
    transaction, once ``pg_restore`` has finished. ``commit`` writes ``COMMIT`` and waits;
    ``abandon`` ends ``psql`` without it, and PostgreSQL rolls the transaction back: a refused
    restore leaves the database as empty as it was."""

    def __init__(self, dump: Path) -> None:
        database = connection.settings_dict
        connection.close()
        arguments, environment = _pg_environment(database)
        tools = {tool: shutil.which(tool) for tool in ("pg_restore", "psql")}
        for tool, found in tools.items():
            if found is None:
                raise RestoreRefused(
                    f"{tool} is not installed: install PostgreSQL's client tools "
                    "(Debian: apt-get install postgresql-client) to restore PostgreSQL"
                )
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 closed by commit or abandon
        self._psql = subprocess.Popen(  # noqa: S603
            [
                str(tools["psql"]),
                *arguments,
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={database['NAME']}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
            env=environment,
        )
        if self._psql.stdin is None:
            raise RestoreRefused("psql could not be started")
        self._input = self._psql.stdin
        self._input.write(b"BEGIN;\n")
        self._input.flush()
        self._restore = subprocess.Popen(  # noqa: S603
            [
                str(tools["pg_restore"]),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--file=-",
                str(dump),
            ],
            stdout=self._input,
            stderr=self._errors,
            env=environment,
        )

    def _failure(self) -> str:
        self._errors.seek(0)
        return self._errors.read().decode(errors="replace").strip()[-2000:]

    def commit(self) -> None:
        """Commit once ``pg_restore`` has given all its SQL (``RestoreRefused`` if anything
        failed: then nothing was committed)."""
        restored = self._restore.wait()
        if restored != 0:
            self.abandon()
            raise RestoreRefused(
                f"pg_restore failed: {self._failure() or restored}; the database was left as it was"
            )
        try:
            self._input.write(b"COMMIT;\n")
            self._input.close()
        except BrokenPipeError:
            pass
        if self._psql.wait() != 0:
            self._errors.close()
            raise RestoreRefused(
                f"loading the database failed: {self._failure() or self._psql.returncode}; "
                "the database was left as it was"
            )
        self._errors.close()

    def abandon(self) -> None:
        """End both programs without committing: the transaction is rolled back."""
        for process in (self._restore, self._psql):
            if process.poll() is None:
                process.kill()
            process.wait()
        with contextlib.suppress(BrokenPipeError):
            self._input.close()


def _load_database(engine: str, dump: Path) -> None:
    database = connection.settings_dict
    connection.close()
    if engine == "postgresql":
        arguments, environment = _pg_environment(database)
        try:
            _run(
                [
                    "pg_restore",
                    *arguments,
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={database['NAME']}",
                    str(dump),
                ],
                environment,
                "pg_restore",
            )
        except BackupFailed as error:
            raise RestoreRefused(f"{error}; the database was left as it was") from None
        return
    target = Path(str(database["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # empty, as checked: SQLite made it on connecting
    shutil.copyfile(dump, target)
    target.chmod(0o600)


def _place_vault(staging: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    unpacked = staging / "vault"
    if not unpacked.exists():
        return
    for recording in sorted(unpacked.iterdir()):
        recording.replace(root / recording.name)


def _check_recordings(
    manifest: dict[str, Any], progress: Progress
) -> tuple[set[str], list[str], Callable[[], int]]:
    """Start opening every chunk of every restored recording in a thread of its own; the
    recordings found, and a function that waits for the thread and gives the tracks checked
    (its problems are appended to the list returned).

    The recordings, their tracks and their data keys are read from the database here, before
    the thread starts, so the thread only reads the vault's files and opens their chunks
    (both leave the GIL): it overlaps with the audit log's verification."""
    problems: list[str] = []
    live: set[str] = set()
    work: list[tuple[Recording, Any, list[Any]]] = []
    for recording in Recording.objects.filter(data_key__isnull=False).order_by("pk"):
        live.add(recording.uuid.hex)
        try:
            cipher = cipher_of(recording)
        except (RecordingGone, KeyUnavailable) as error:
            problems.append(f"recording {recording.uuid}: {error}")
            continue
        tracks = list(recording.tracks.select_related("recording").order_by("number"))
        work.append((recording, cipher, tracks))
    store = chunk_store()
    checked = [0]
    failure: list[BaseException] = []

    def check_all() -> None:
        try:
            for recording, cipher, tracks in work:
                for track in tracks:
                    problem = track_problem(track, cipher=cipher, store=store)
                    if problem is not None:
                        problems.append(f"recording {recording.uuid}: {problem}")
                    checked[0] += 1
                    progress("recordings", checked[0])
        except BaseException as error:  # raised again where the thread is waited for
            failure.append(error)

    thread = threading.Thread(target=check_all, name="restore-recordings-check")
    thread.start()

    def wait() -> int:
        thread.join()
        if failure:
            raise failure[0]
        return checked[0]

    return live, problems, wait


def _check(manifest: dict[str, Any], progress: Progress) -> Restored:
    problems: list[str] = []
    with connection.cursor() as cursor:
        state = _read_state(cursor, connection.vendor)
    for table, count in sorted(manifest["tables"].items()):
        if state.tables.get(table) != count:
            problems.append(
                f"table {table} holds {state.tables.get(table)} rows, the manifest says {count}"
            )
    live, recording_problems, wait = _check_recordings(manifest, progress)
    try:
        verification = verify_chain(progress=lambda count: progress("audit", count))
    finally:
        checked_tracks = wait()
    if not verification.ok:
        problems.append(f"audit verify: {verification.problem}")
    problems.extend(recording_problems)
    if live != set(manifest["recordings"]):
        problems.append("the recordings restored are not those the manifest lists")
    if problems:
        raise RestoreCheckFailed("; ".join(problems[:10]))
    return Restored(
        tables=len(state.tables),
        rows=sum(state.tables.values()),
        events=verification.events,
        chains=verification.chains,
        recordings=len(live),
        tracks=checked_tracks,
    )


def restore_backup(
    path: Path, key: BackupKey, *, progress: Progress = lambda stage, done: None
) -> Restored:
    """Restore the backup at ``path`` into the configured (empty) database and vault."""
    if settings.VAULT_STORAGE != "local":
        raise RestoreRefused(
            f"VAULT_STORAGE is {settings.VAULT_STORAGE!r}: `chaperon restore` restores into a "
            "local vault (VAULT_DIR)"
        )
    root = Path(settings.VAULT_DIR)
    if not _database_is_empty():
        raise RestoreRefused(
            f"the database {connection.settings_dict['NAME']} is not empty: restore onto a "
            "new, empty database (DATABASE_URL)"
        )
    if _vault_holds_recordings(root):
        raise RestoreRefused(
            f"VAULT_DIR {root} holds recordings already: restore into an empty vault folder"
        )
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root.parent, prefix=".chaperon-restoring-"))
    held: list[_HeldLoad] = []
    vendor = connection.vendor

    def database_unpacked(dump: Path) -> None:
        if vendor == "postgresql" and _DATABASE_FILES[f"database/{dump.name}"] == vendor:
            held.append(_HeldLoad(dump))

    try:
        try:
            with path.open("rb") as source:
                manifest, _, dump = _unpack(source, key, staging, progress, database_unpacked)
        except FileNotFoundError:
            raise RestoreRefused(f"{path} does not exist") from None
        except BackupRefused as error:
            raise RestoreRefused(f"{path}: {error}; nothing was restored") from None
        engine = _DATABASE_FILES[f"database/{dump.name}"]
        if engine != vendor:
            raise RestoreRefused(
                f"the backup holds a {engine} database, and DATABASE_URL names a "
                f"{vendor} one: restore onto the same kind of database"
            )
        _check_keys(manifest)
        progress("database", 0)  # waiting for the load (begun on PostgreSQL) and committing it
        if held:
            held.pop().commit()
        else:
            _load_database(engine, dump)
        progress("database", 1)
        _place_vault(staging, root)
    finally:
        for load in held:
            load.abandon()
        shutil.rmtree(staging, ignore_errors=True)
    return _check(manifest, progress)


def read_manifest(path: Path, key: BackupKey) -> dict[str, Any]:
    """The manifest of the backup at ``path``, every record of it authenticated on the way;
    nothing is written."""
    with path.open("rb") as source, OpeningReader(source, key) as reader:
        manifest: dict[str, Any] | None = None
        with tarfile.open(fileobj=reader, mode="r|", bufsize=RECORD_SIZE) as tar:
            for member in tar:
                if member.name == "manifest.json":
                    extracted = tar.extractfile(member)
                    manifest = json.loads(extracted.read()) if extracted else None
        reader.drain()
    if manifest is None:
        raise BackupRefused("the backup has no manifest: it is not whole")
    return manifest


def check_keys(manifest: dict[str, Any]) -> None:
    """Refuse (``RestoreRefused``) if a data key in the backup is under a key-encryption key
    that is not configured."""
    _check_keys(manifest)
