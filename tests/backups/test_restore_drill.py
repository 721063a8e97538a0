"""The restore drill: a populated school backed up, wiped, restored into a fresh database and
vault folder, and checked; a backup altered in any way is refused before anything is written."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from chaperon.backups.archive import read_backup_key, read_header
from chaperon.backups.pruning import backups_in
from chaperon.backups.restoring import read_manifest
from chaperon.concerns import services as concerns
from chaperon.recordings.models import Recording
from chaperon.sessions.models import Session
from tests.concerns.helpers import public_concern
from tests.conftest import Cast
from tests.recordings.helpers import TWO_AND_A_BIT, make_recording, media, track_file

from .support import chaperon, empty_database, query, tables

pytestmark = pytest.mark.django_db(transaction=True)


def populate(cast: Cast) -> str:
    """People (the cast), sessions, a recording of two tracks, and two concerns; the
    recording's uuid."""
    recording = make_recording(cast, tracks=[media(TWO_AND_A_BIT, 1), media(70_000, 2)])
    public_concern(cast.organisation, description="A stranger waits by the school gate.")
    concerns.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        description="Robin said an older pupil takes their lunch money.",
        learner=cast.learner,
    )
    return recording.uuid.hex


def take_backup(tmp_path: Path) -> Path:
    call_command("backup", "--to", str(tmp_path / "backups"))
    (backup,) = backups_in(tmp_path / "backups")
    return backup


def test_a_backup_restores_onto_a_fresh_database_and_vault_and_checks_out(
    cast: Cast, vault_dir: Path, tmp_path: Path
) -> None:
    recording = populate(cast)
    stored = {n: track_file(vault_dir, _recording(recording), n).read_bytes() for n in (0, 1)}
    sessions = Session.objects.count()
    backup = take_backup(tmp_path)

    manifest = read_manifest(backup, read_backup_key())
    assert all(
        name in {"database/database.dump", "database/database.sqlite3"}
        or name.startswith(f"vault/{recording}/track-")
        for name in manifest["files"]
    )
    assert set(manifest["recordings"]) == {recording}
    key_text = Path(settings.VAULT_KEY_FILE).read_bytes().strip()
    assert key_text not in backup.read_bytes()

    shutil.rmtree(vault_dir)  # the machine is lost: only the backup and the keys are left
    restored_vault = tmp_path / "restored-vault"
    with empty_database(tmp_path) as url:
        done = chaperon("restore", str(backup), database_url=url, vault_dir=restored_vault)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("ok: restored ")
        assert "1 recordings (2 tracks) authenticate" in done.stdout

        verified = chaperon("audit", "verify", database_url=url, vault_dir=restored_vault)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert verified.stdout.startswith("ok: ")

        descriptions = {row[0] for row in query(url, "SELECT description FROM concerns_concern")}
        assert descriptions == {
            "A stranger waits by the school gate.",
            "Robin said an older pupil takes their lunch money.",
        }
        assert query(url, "SELECT COUNT(*) FROM live_sessions_session") == [(sessions,)]
        learners = query(url, "SELECT first_name, last_name FROM people_learner ORDER BY id")
        assert ("Robin", "Alder") in learners
    for number, content in stored.items():
        assert (restored_vault / recording / f"track-{number}.chunks").read_bytes() == content


def _recording(hex_uuid: str) -> Recording:
    return Recording.objects.get(uuid=hex_uuid)


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _header_end(path: Path) -> int:
    """Where the header's HMAC ends (the records begin)."""
    with path.open("rb") as source:
        read_header(source, None)
        return source.tell()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda path: _flip(path, path.stat().st_size // 2), "altered or damaged (part"),
        (lambda path: _flip(path, _header_end(path) - 5), "header has been altered or damaged"),
        (lambda path: path.write_bytes(path.read_bytes()[:-100]), "cut short"),
        (lambda path: path.write_bytes(path.read_bytes() + b"\x00"), "more after its end"),
    ],
    ids=["a byte of the media", "the header", "its end cut off", "bytes added"],
)
def test_a_tampered_backup_is_refused_and_nothing_is_written(
    cast: Cast, tmp_path: Path, damage: object, said: str
) -> None:
    populate(cast)
    backup = take_backup(tmp_path)
    damage(backup)  # type: ignore[operator]
    restored_vault = tmp_path / "restored-vault"
    with empty_database(tmp_path) as url:
        done = chaperon("restore", str(backup), database_url=url, vault_dir=restored_vault)
        assert done.returncode == 1
        assert said in done.stderr
        assert "nothing was restored" in done.stderr
        assert tables(url) == []
    assert not restored_vault.exists() or not any(restored_vault.iterdir())
    assert not list(tmp_path.glob(".chaperon-restoring-*"))


def test_restoring_onto_a_database_in_use_is_refused(
    cast: Cast, vault_dir: Path, tmp_path: Path
) -> None:
    recording = populate(cast)
    backup = take_backup(tmp_path)
    before = sorted(path.name for path in (vault_dir / recording).iterdir())
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not empty: restore onto a new, empty database"):
        call_command("restore", str(backup))
    assert sorted(path.name for path in (vault_dir / recording).iterdir()) == before
    assert Session.objects.count() == 1
