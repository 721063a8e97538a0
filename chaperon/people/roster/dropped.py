"""The scheduled import: an export an information system drops in
``ONEROSTER_DROP_DIR/<organisation slug>/`` (its CSV files, or one zip file) is applied once,
as the system itself. An export still being written (a file changed in the last minute) waits
for the next run; one applied or refused before (the same files) is not read again. A refused
export changes nothing and its problems are emailed to those who import."""

import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from chaperon.core.actors import SYSTEM
from chaperon.core.email_queue import queue_email

from ..models import Organisation, RosterImport
from ..roles import Permission
from ..selectors import staff_granted
from .files import RosterFiles, UnreadableExport, read_folder, read_zip
from .report import RosterError, RosterResult
from .service import roster_import, roster_import_record

logger = logging.getLogger(__name__)
SETTLED_SECONDS = 60


def _settled(folder: Path, now: float) -> bool:
    return all(now - path.stat().st_mtime >= SETTLED_SECONDS for path in folder.iterdir())


def _read(folder: Path) -> RosterFiles:
    zips = sorted(folder.glob("*.zip"), key=lambda path: path.stat().st_mtime)
    return read_zip(zips[-1].read_bytes()) if zips else read_folder(folder)


def _tell_importers(organisation: Organisation, folder: Path, result: RosterResult) -> None:
    for person in staff_granted(organisation.pk, Permission.IMPORT_PEOPLE):
        queue_email(
            to=person.email,
            subject="The OneRoster export was not imported",
            text=render_to_string(
                "people/email/roster_refused.txt",
                {"person": person, "folder": folder, "errors": result.errors[:100]},
            ),
            purpose="roster_import_refused",
            organisation_id=organisation.pk,
        )


def import_dropped_export(organisation: Organisation, folder: Path) -> RosterImport | None:
    """Apply the export in ``folder`` if it is new and settled; what became of it, or None
    when there was nothing to do."""
    if not folder.is_dir() or not any(folder.iterdir()) or not _settled(folder, time.time()):
        return None
    seen_as = _fingerprint_of(folder)
    if RosterImport.objects.filter(organisation=organisation, fingerprint=seen_as).exists():
        return None
    try:
        files = _read(folder)
    except UnreadableExport as error:
        result = RosterResult(errors=[RosterError(folder.name, 0, "", str(error))])
        files = {}
    else:
        result = roster_import(actor=SYSTEM, organisation=organisation, files=files, apply=True)
    if result.refused:
        _tell_importers(organisation, folder, result)
    return roster_import_record(
        actor=SYSTEM,
        organisation=organisation,
        files=files,
        result=result,
        source=str(folder),
        seen_as=seen_as,
    )


def _fingerprint_of(folder: Path) -> str:
    """The same for the same files, read or not."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def import_dropped_exports() -> int:
    """Each organisation's dropped export, where ``ONEROSTER_DROP_DIR`` is set; how many were
    read."""
    if not settings.ONEROSTER_DROP_DIR:
        return 0
    root = Path(settings.ONEROSTER_DROP_DIR)
    read = 0
    for organisation in Organisation.objects.filter(is_demo=False).order_by("pk"):
        try:
            done = import_dropped_export(organisation, root / organisation.slug)
        except OSError:
            logger.exception("cannot read the OneRoster export of %s", organisation.slug)
            continue
        read += done is not None
    return read
