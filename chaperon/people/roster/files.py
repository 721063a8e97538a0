"""Reading a OneRoster export: a zip file or a folder of CSV files, each UTF-8 text with the
first line naming its columns (in OneRoster's own spelling, matched ignoring capitals)."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..imports.csvfile import UnreadableFile, decode_csv, read_table
from .report import RosterError

# The files of a OneRoster 1.2 CSV bulk export that Chaperon reads; others (manifest.csv,
# resources.csv, ...) are ignored. users.csv is the only one always needed.
KNOWN_FILES = (
    "orgs.csv",
    "academicSessions.csv",
    "courses.csv",
    "classes.csv",
    "users.csv",
    "roles.csv",
    "enrollments.csv",
    "demographics.csv",
)
MAX_EXPORT_BYTES = 200 * 1024 * 1024

type RosterFiles = dict[str, str]


class UnreadableExport(Exception):
    """The export cannot be read at all; ``str(error)`` says why and what to do."""


def _known(name: str) -> str | None:
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    return next((known for known in KNOWN_FILES if known.lower() == base), None)


def _decoded(name: str, data: bytes) -> str:
    try:
        return decode_csv(data)
    except UnreadableFile as error:
        raise UnreadableExport(f"{name}: {error}") from None


def read_zip(data: bytes) -> RosterFiles:
    """The known files of a zipped export, by name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableExport(
            "The file is not a zip file: upload the zip your information system exported, "
            "holding users.csv and the other OneRoster files"
        ) from None
    files: RosterFiles = {}
    with archive:
        members = [(info, _known(info.filename)) for info in archive.infolist()]
        wanted = [(info, name) for info, name in members if name and not info.is_dir()]
        if sum(info.file_size for info, _ in wanted) > MAX_EXPORT_BYTES:
            raise UnreadableExport(
                f"The export holds more than {MAX_EXPORT_BYTES // (1024 * 1024)} MB of CSV files"
            )
        for info, name in wanted:
            files[name] = _decoded(name, archive.read(info))
    return files


def read_folder(folder: Path) -> RosterFiles:
    """The known files in ``folder``, by name."""
    files: RosterFiles = {}
    for path in sorted(folder.iterdir()):
        name = _known(path.name)
        if name and path.is_file():
            files[name] = _decoded(name, path.read_bytes())
    return files


def fingerprint(files: RosterFiles) -> str:
    """The same for the same export, whatever the order its files were read in."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Row:
    """One row of a file: its line and its values by column name (as OneRoster spells it,
    lower-cased)."""

    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column.lower(), "").strip()

    def error(self, column: str, message: str) -> RosterError:
        return RosterError(self.file, self.line, column, message)


def rows_of(
    files: RosterFiles, name: str, required: tuple[str, ...], errors: list[RosterError]
) -> list[Row]:
    """The rows of file ``name`` (none when it is absent), each with as many values as the
    header names; a missing required column or a short row is reported in ``errors``."""
    text = files.get(name)
    if text is None:
        return []
    table = read_table(text)
    errors.extend(RosterError(name, e.line, e.column, e.message) for e in table.errors)
    header = [cell.strip().lower() for cell in table.header]
    missing = [column for column in required if column.lower() not in header]
    for column in missing:
        errors.append(
            RosterError(name, 1, column, "is missing: add the column (OneRoster 1.2 names it so)")
        )
    if missing or table.errors:
        return []
    rows = []
    for record in table.records:
        if len(record.cells) != len(header):
            errors.append(
                RosterError(
                    name,
                    record.line,
                    "",
                    f"has {len(record.cells)} values but the header names {len(header)} "
                    "columns; put a value in double quotes if it holds a comma",
                )
            )
            continue
        values = dict(zip(header, record.cells, strict=True))
        if values.get("status", "").strip().lower() == "tobedeleted":
            continue  # a delta export's deletion: the record is gone from the system
        rows.append(Row(name, record.line, values))
    return rows
