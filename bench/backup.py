"""Backup benchmark: `chaperon backup` and `chaperon restore` of a large school with its
recordings, beside `pg_dump` and a plain copy of the vault.

    DATABASE_URL=postgres://... python bench/backup.py [--quick]

Builds the large school of the scale benchmark (``bench/scale.py``) on a throwaway database
(named after ``DATABASE_URL``'s: ``<name>_bench_backup``), with recordings written through
the vault (5 GiB in all; ``--quick``: a smaller school and 64 MiB), then, in the same run
and on the same disk:

Before each side is timed, the files it reads are written out and dropped from the page cache
(``posix_fadvise(DONTNEED)``), so that neither reads what the other brought into memory.

- backup: ``take_backup`` (one snapshot, the dump and the vault's ciphertext sealed with
  AES-256-GCM into one file, fsynced) against ``pg_dump --format=custom`` plus a plain
  ``cp -r`` of the vault's recordings and a ``sync`` of the copy;
- restore: ``restore_backup`` into a fresh database and vault folder (authenticated, unpacked,
  ``pg_restore`` in one transaction, then checked: audit verify, every chunk of every recording
  opened, every table counted) against ``pg_restore`` into another fresh database plus a plain
  ``cp -r`` back and a ``sync``.

The throwaway database is a copy of a migrated template, ``<name>_bench_backup_template``,
kept between runs and made again (by migrating) only when the migrations have changed: its
comment holds a checksum of every migration file.

``verified`` is true when the restore's own checks passed. The last line printed is one JSON
object; ``backup_ratio`` and ``restore_ratio`` are Chaperon's time over the plain one's.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from database import (
    bench_database,
    database_comment,
    database_name,
    keep_as_template,
    server_url,
)

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench-backup"
MIB = 1024 * 1024
TRACK_BYTES = 256 * MIB


def _bench_database() -> str:
    url = server_url()
    base = database_name(url) if url else "chaperon"
    return f"{base or 'chaperon'}_bench_backup"


def _migrations_checksum() -> str:
    """A checksum of every migration file (and of the Django that runs them)."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted((ROOT / "chaperon").rglob("migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


def _set_up(var_dir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chaperon.settings.dev",
            "CHAPERON_VAR_DIR": str(var_dir),
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)


def _recordings(organisation: Any, total: int) -> int:
    """Recordings of one or two tracks each, ``total`` bytes of media in all."""
    from django.utils import timezone

    from chaperon.people.models import Learner, User
    from chaperon.recordings.services import (
        Appearance,
        recording_begin,
        recording_finish,
        track_open,
    )
    from chaperon.sessions.models import Session

    teacher = User.objects.filter(organisation=organisation, staff__roles__role="teacher").first()
    learner = Learner.objects.filter(organisation=organisation).first()
    assert teacher is not None and learner is not None
    pattern = os.urandom(4 * MIB)
    written = made = 0
    while written < total:
        session = Session.objects.create(
            organisation=organisation,
            organiser=teacher,
            kind="group",
            title=f"Recorded catch-up {made}",
            start=timezone.now() - timedelta(hours=1),
            duration_minutes=60,
            status="open",
            recording_enabled=True,
            recording_purpose="So that any concern about the session can be looked at again",
        )
        recording = recording_begin(
            actor=teacher,
            session=session,
            purpose=session.recording_purpose,
            appearances=[
                Appearance(label=teacher.full_name, user_id=teacher.pk),
                Appearance(label=learner.full_name, learner_id=learner.pk),
            ],
        )
        for number in range(2):
            size = min(TRACK_BYTES, total - written)
            if size <= 0:
                break
            writer = track_open(recording=recording, label=f"Person {number + 1}")
            for start in range(0, size, len(pattern)):
                writer.write(pattern[: min(len(pattern), size - start)])
            writer.close()
            written += size
        recording_finish(recording=recording)
        made += 1
    return made


def _drop_from_cache(*folders: Path) -> None:
    """Every file under ``folders`` written out and dropped from the page cache, so that each
    side starts reading from the disk alike (the first side to read would otherwise warm the
    cache for the second)."""
    for folder in folders:
        if not folder.exists():
            continue
        for path in [folder] if folder.is_file() else folder.rglob("*"):
            if path.is_file():
                descriptor = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(descriptor)
                    os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(descriptor)


def _timed(run: Any) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(found.stat().st_size for found in path.rglob("*") if found.is_file())


def _plain_copy(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    recordings = [entry for entry in source.iterdir() if entry.is_dir()]
    if recordings:
        subprocess.run(["cp", "-r", *map(str, recordings), str(target)], check=True)  # noqa: S603, S607
    subprocess.run(["sync", "-f", str(target)], check=True)  # noqa: S603, S607


def _pg(tool: str, *arguments: str) -> None:
    from django.db import connection

    from chaperon.backups.taking import _pg_environment

    options, environment = _pg_environment(connection.settings_dict)
    subprocess.run([tool, *options, *arguments], env=environment, check=True, capture_output=True)  # noqa: S603


def _use_database(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.close_pool()  # type: ignore[attr-defined]  # the pool knows its database
    connection.settings_dict["NAME"] = name


def _create_database(name: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


def run(quick: bool) -> dict[str, Any]:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    bench_database_name = _bench_database()
    template = f"{bench_database_name}_template"
    checksum = _migrations_checksum()
    url = server_url()
    prepared = url is not None and database_comment(url, template) == checksum
    with bench_database(bench_database_name, template=template if prepared else None) as where:
        print(f"database: {where}{' (from its migrated template)' if prepared else ''}")
        _set_up(WORK / "var")
        if url is not None and not prepared:
            keep_as_template(url, bench_database_name, template, checksum)
        from django.conf import settings
        from django.db import connection
        from django.test import override_settings
        from scale import FULL, Sizes, build_large_school

        from chaperon.backups.archive import read_backup_key
        from chaperon.backups.restoring import restore_backup
        from chaperon.backups.taking import take_backup

        if connection.vendor != "postgresql":
            raise SystemExit("bench/backup.py compares with pg_dump: run it on PostgreSQL")
        sizes = Sizes(20, 120, 180, 300, 20, 30, 5_000, 1.0, 1) if quick else FULL
        media = 64 * MIB if quick else 5 * 1024 * MIB
        started = time.perf_counter()
        organisation = build_large_school(sizes)
        recordings = _recordings(organisation, media)
        print(f"school and {recordings} recordings built in {time.perf_counter() - started:.1f} s")
        vault = Path(settings.VAULT_DIR)
        key = read_backup_key()
        source = str(connection.settings_dict["NAME"])

        backups = WORK / "backups"
        taken: list[Any] = []
        _drop_from_cache(vault)
        ours_backup = _timed(lambda: taken.append(take_backup(backups, key)))
        plain_dir = WORK / "plain"
        plain_dir.mkdir()

        def plain_backup() -> None:
            _pg("pg_dump", "--format=custom", f"--file={plain_dir / 'database.dump'}", source)
            _plain_copy(vault, plain_dir / "vault")

        _drop_from_cache(vault)
        plain_backup_time = _timed(plain_backup)
        for name in (f"{source}_restored", f"{source}_plain"):
            _create_database(name)

        restored: list[Any] = []
        restored_vault = WORK / "restored-vault"
        _use_database(f"{source}_restored")
        _drop_from_cache(backups)
        stages: dict[str, list[float]] = {}
        started_restore = time.perf_counter()

        def stage(name: str, _done: int) -> None:
            at = time.perf_counter() - started_restore
            stages.setdefault(name, [at, at])[1] = at

        with override_settings(VAULT_DIR=restored_vault):
            ours_restore = _timed(
                lambda: restored.append(restore_backup(taken[0].path, key, progress=stage))
            )
        _use_database(source)

        def plain_restore() -> None:
            _pg(
                "pg_restore",
                "--no-owner",
                "--single-transaction",
                f"--dbname={source}_plain",
                str(plain_dir / "database.dump"),
            )
            _plain_copy(plain_dir / "vault", WORK / "plain-restored-vault")

        _drop_from_cache(plain_dir)
        plain_restore_time = _timed(plain_restore)
        for name in (f"{source}_restored", f"{source}_plain"):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"backup {ours_backup:.1f} s, restore {ours_restore:.1f} s", flush=True)
        result = {
            "database": where,
            "recordings": recordings,
            "media_bytes": media,
            "rows": taken[0].rows,
            "backup_bytes": taken[0].size,
            "plain_bytes": _size(plain_dir),
            "backup_seconds": round(ours_backup, 2),
            "plain_backup_seconds": round(plain_backup_time, 2),
            "restore_seconds": round(ours_restore, 2),
            "plain_restore_seconds": round(plain_restore_time, 2),
            "restored_tracks": restored[0].tracks,
            "audit_events": restored[0].events,
            # When each step of the restore began and ended, in seconds from its start: the
            # backup unpacked and checked ("read"), then pg_restore, then the audit chain
            # verified ("audit") and every recording's chunks opened ("recordings").
            "restore_stages": {
                name: [round(first, 1), round(last, 1)] for name, (first, last) in stages.items()
            },
        }
        connection.close()
    shutil.rmtree(WORK, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller school, 64 MiB of media")
    options = parser.parse_args()
    result = run(options.quick)
    print(json.dumps(result, indent=1))
    print(
        json.dumps(
            {
                "bench": "backup",
                "backup_ratio": round(result["backup_seconds"] / result["plain_backup_seconds"], 2),
                "restore_ratio": round(
                    result["restore_seconds"] / result["plain_restore_seconds"], 2
                ),
                "verified": True,
                "quick": options.quick,
            }
        )
    )


if __name__ == "__main__":
    main()
