"""Read an uploaded file as CSV text: UTF-8 (with or without a byte order mark), comma-separated,
the first line naming the columns. Anything else is refused with what to do instead."""

import codecs
import csv
import io
from dataclasses import dataclass

from .report import RowError

SAVE_AS = "In Excel, choose File, Save As, and the type “CSV UTF-8 (Comma delimited) (*.csv)”."


class UnreadableFile(Exception):
    """The upload is not UTF-8 CSV text; ``str(error)`` says what it is and what to do."""


def decode_csv(data: bytes) -> str:
    """The text of ``data``, which must be UTF-8 (a leading byte order mark is dropped)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(f"The file is saved as UTF-16 (“Unicode text”), not UTF-8. {SAVE_AS}")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(f"The file is an Excel workbook, not a CSV file. {SAVE_AS}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(
            f"The file is not UTF-8 text: line {line} has a character that is not UTF-8 "
            f"(byte 0x{data[error.start]:02X}). It was probably saved in another encoding. "
            f"{SAVE_AS}"
        ) from None
    if "\x00" in text:
        raise UnreadableFile(f"The file holds binary data, not CSV text. {SAVE_AS}")
    return text


@dataclass(frozen=True)
class Record:
    """One row of values and the line of the file it starts on."""

    line: int
    cells: list[str]


@dataclass(frozen=True)
class Table:
    header: list[str]
    records: list[Record]
    errors: list[RowError]


def read_table(text: str) -> Table:
    """Split ``text`` into its header and records, skipping blank lines and all-blank rows.

    A broken quote stops the reading: what follows it cannot be told apart reliably.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header: list[str] = []
    records: list[Record] = []
    errors: list[RowError] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(
                RowError(
                    line,
                    "",
                    f"cannot be read as CSV ({error}); a value that holds a comma, a quote or "
                    'a line break must be in double quotes, with any quote in it doubled ("")',
                )
            )
            break
        if not any(cell.strip() for cell in cells):
            continue
        if not header and not records and line == 1:
            header = cells
        elif not header:
            errors.append(RowError(1, "", "is empty; the first line must name the columns"))
            break
        else:
            records.append(Record(line, cells))
    if not header and not errors:
        errors.append(RowError(1, "", "the file is empty; the first line must name the columns"))
    return Table(header, records, errors)
