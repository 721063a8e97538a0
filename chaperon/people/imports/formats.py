"""The three kinds of file and their columns: the one description that checks files, lists the
columns on the upload page, and is documented in docs/import.md."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

from ..models import (
    ContactMethod,
    DbsType,
    Guardian,
    ImportKind,
    Learner,
    Relationship,
    StaffMember,
    User,
)
from ..roles import Role
from . import values
from .csvfile import Record
from .report import RowError
from .values import BadValue, Parser


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text field with a length")
    return field.max_length


@dataclass(frozen=True)
class Column:
    """``required``: the header must name it and no row may leave it empty. An optional column
    may be left out of the file (records keep what they have) or left empty (``blank``)."""

    name: str
    required: bool
    parse: Parser
    description: str
    blank: object = ""
    not_in_future: bool = False


@dataclass(frozen=True)
class ParsedRow:
    """A record's values by column name: only the columns in the file, only those that parsed."""

    line: int
    values: dict[str, Any]
    ok: bool


@dataclass(frozen=True)
class FileFormat:
    kind: ImportKind
    columns: tuple[Column, ...]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)


_EXTERNAL_ID = "Your MIS's id for this person. Later imports find them by it."


def _external_id(model: type[models.Model]) -> Column:
    return Column("external_id", True, values.text(_max_length(model, "external_id")), _EXTERNAL_ID)


def _done_on(name: str, what: str) -> Column:
    return Column(
        name, False, values.parse_date, f"The date {what}.", blank=None, not_in_future=True
    )


STAFF = FileFormat(
    ImportKind.STAFF,
    (
        _external_id(StaffMember),
        Column("full_name", True, values.text(_max_length(User, "full_name")), "Their name."),
        Column(
            "email",
            True,
            values.parse_email,
            "The address they sign in with; nobody else may have it.",
        ),
        Column(
            "roles",
            True,
            values.choices_list(Role, "role"),
            "One or more of " + ", ".join(Role.values) + " (or the role's name), separated by ;",
        ),
        Column(
            "job_title", False, values.text(_max_length(StaffMember, "job_title")), "Job title."
        ),
        _done_on("dbs_checked_on", "of their DBS check"),
        Column(
            "dbs_type",
            False,
            values.choice(DbsType, "a DBS check type"),
            "One of " + ", ".join(DbsType.values) + ".",
        ),
        _done_on("safeguarding_training_on", "they last completed safeguarding training"),
        _done_on("aup_signed_on", "they signed the acceptable use agreement"),
    ),
)

LEARNERS = FileFormat(
    ImportKind.LEARNERS,
    (
        _external_id(Learner),
        Column("first_name", True, values.text(_max_length(Learner, "first_name")), "First name."),
        Column("last_name", True, values.text(_max_length(Learner, "last_name")), "Last name."),
        Column(
            "date_of_birth",
            True,
            values.parse_date,
            "Date of birth.",
            blank=None,
            not_in_future=True,
        ),
        Column(
            "year_group",
            False,
            values.text(_max_length(Learner, "year_group")),
            "Year or group, as your organisation names it (Year 7, 10B, Adult learning).",
        ),
        Column(
            "tutor_group",
            False,
            values.text(_max_length(Learner, "tutor_group")),
            "Registration or tutor group (7B, 10 Ash).",
        ),
        Column(
            "adult_at_risk",
            False,
            values.parse_bool,
            "Whether the learner is an adult at risk: yes or no (empty is no).",
            blank=False,
        ),
        Column(
            "email",
            False,
            values.parse_email,
            "The learner's own email address, where they have one: invitations go to it.",
        ),
    ),
)

GUARDIANS = FileFormat(
    ImportKind.GUARDIANS,
    (
        _external_id(Guardian),
        Column("full_name", True, values.text(_max_length(Guardian, "full_name")), "Their name."),
        Column("email", False, values.parse_email, "Email address, their own."),
        Column("phone", False, values.phone(_max_length(Guardian, "phone")), "Phone number."),
        Column(
            "preferred_contact",
            False,
            values.choice(ContactMethod, "a way of contacting someone"),
            "One of "
            + ", ".join(ContactMethod.values)
            + "; empty means email when there is an email address, otherwise phone.",
        ),
        Column(
            "learner_external_id",
            True,
            values.text(_max_length(Learner, "external_id")),
            "The external id of their child (or the learner they care for), already imported.",
        ),
        Column(
            "relationship",
            True,
            values.choice(Relationship, "a relationship"),
            "One of " + ", ".join(Relationship.values) + ".",
        ),
        Column(
            "parental_responsibility",
            False,
            values.parse_bool,
            "Whether they have parental responsibility for the learner: yes or no (empty is no).",
            blank=False,
        ),
    ),
)

FORMATS: dict[ImportKind, FileFormat] = {fmt.kind: fmt for fmt in (STAFF, LEARNERS, GUARDIANS)}


def resolve_header(fmt: FileFormat, header: list[str], errors: list[RowError]) -> dict[int, Column]:
    """Which column each position holds. Reports unknown, repeated and missing columns."""
    if len(header) == 1 and any(mark in header[0] for mark in ";\t|"):
        errors.append(
            RowError(
                1,
                "",
                "the values are not separated by commas; save the file as CSV "
                "(“CSV UTF-8 (Comma delimited)” in Excel)",
            )
        )
        return {}
    positions: dict[int, Column] = {}
    for position, written in enumerate(header):
        name = values.normalise(written)
        column = fmt.column(name)
        if not name:
            continue  # a column with no name is allowed only while its cells are empty
        if column is None:
            errors.append(
                RowError(
                    1,
                    written.strip(),
                    f"is not a column of a {fmt.kind.label.lower()} file; rename it or remove "
                    f"it (the columns are {', '.join(c.name for c in fmt.columns)})",
                )
            )
        elif column in positions.values():
            errors.append(RowError(1, written.strip(), "appears twice; keep one of them"))
        else:
            positions[position] = column
    present = {column.name for column in positions.values()}
    for name in fmt.required:
        if name not in present:
            errors.append(RowError(1, name, "is missing; add a column with this name"))
    if errors:
        errors.extend(_kind_hint(fmt, header))
    return positions


def _kind_hint(fmt: FileFormat, header: list[str]) -> list[RowError]:
    names = {values.normalise(written) for written in header}
    for other in FORMATS.values():
        if other is not fmt and set(other.required) <= names:
            return [
                RowError(
                    1,
                    "",
                    f"this looks like a {other.kind.label.lower()} file: choose "
                    f"“{other.kind.label}” as the kind of file",
                )
            ]
    return []


def parse_records(
    positions: dict[int, Column],
    records: list[Record],
    *,
    width: int,
    today: date,
    errors: list[RowError],
    on_row: Callable[[int], None],
) -> list[ParsedRow]:
    """Each record's values, parsed; every bad cell reported. ``width``: the header's length."""
    rows = []
    for number, record in enumerate(records, start=1):
        before = len(errors)
        if len(record.cells) != width:
            errors.append(
                RowError(
                    record.line,
                    "",
                    f"has {len(record.cells)} values but the header names {width} columns; "
                    "put any value that holds a comma in double quotes",
                )
            )
            rows.append(ParsedRow(record.line, {}, ok=False))
        else:
            parsed = _parse_cells(positions, record, today=today, errors=errors)
            rows.append(ParsedRow(record.line, parsed, ok=len(errors) == before))
        on_row(number)
    return rows


def _parse_cells(
    positions: dict[int, Column], record: Record, *, today: date, errors: list[RowError]
) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for position, cell in enumerate(record.cells):
        raw = cell.strip()
        column = positions.get(position)
        if column is None:
            if raw:
                errors.append(
                    RowError(
                        record.line,
                        f"#{position + 1}",
                        "has a value but no name in the header; name the column or empty it",
                    )
                )
            continue
        if not raw:
            if column.required:
                errors.append(RowError(record.line, column.name, "is empty; it is required"))
            else:
                parsed[column.name] = column.blank
            continue
        try:
            value = column.parse(raw)
        except BadValue as error:
            errors.append(RowError(record.line, column.name, str(error)))
            continue
        if column.not_in_future and isinstance(value, date) and value > today:
            errors.append(
                RowError(record.line, column.name, f"“{raw}” is in the future; check the date")
            )
            continue
        parsed[column.name] = value
    return parsed
