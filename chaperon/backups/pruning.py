"""Pruning: a backup is deleted once it is older than the retention of what it holds.

Each backup's header says until when it may be kept (``keep_until``, fixed when it is taken):
the moment the first recording in it (not held as evidence) is due for destruction, and never
more than ``BACKUP_KEEP_DAYS`` after it was taken. ``chaperon backup prune`` deletes every
backup in the folder whose ``keep_until`` has passed, except the newest, which is always kept
so that there is one to restore. A backup whose header does not authenticate is never deleted
by pruning; it is reported.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .archive import BackupKey, BackupRefused, read_header


@dataclass
class Pruned:
    deleted: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def backups_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("chaperon-*.backup"))


def prune_backups(folder: Path, key: BackupKey, *, now: datetime) -> Pruned:
    result = Pruned()
    dated: list[tuple[datetime, datetime, Path]] = []
    for path in backups_in(folder):
        try:
            with path.open("rb") as source:
                header, _ = read_header(source, key)
            dated.append(
                (
                    datetime.fromisoformat(header["taken_at"]),
                    datetime.fromisoformat(header["keep_until"]),
                    path,
                )
            )
        except (BackupRefused, KeyError, ValueError) as error:
            result.unreadable.append((path, str(error)))
    dated.sort()
    for position, (_, keep_until, path) in enumerate(dated):
        if keep_until <= now and position != len(dated) - 1:
            path.unlink()
            result.deleted.append(path)
        else:
            result.kept.append(path)
    return result
