"""Reading a filtering and monitoring report (ORG-5): the one CSV format Chaperon accepts from
any web filter or monitoring service (docs/governance.md), checked row by row. Nothing here
touches the database: ``read_report`` gives the rows it understood and every problem found,
each with its line, its column and how to put it right."""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from chaperon.core.validators import single_line_problem
from chaperon.people.imports.csvfile import read_table
from chaperon.people.imports.report import RowError

from .models import SERIOUS_CATEGORIES, FilterAction, FilterCategory

MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
# A clock a little ahead of ours is not an error; a time further ahead is.
FUTURE_LEEWAY = timedelta(hours=1)

REQUIRED = ("occurred_at", "user", "category", "action")
OPTIONAL = ("url", "domain", "device", "detail")
COLUMNS = REQUIRED + OPTIONAL
# Each column, whether it is required, and what it holds (the upload page shows these).
COLUMN_HELP = (
    (
        "occurred_at",
        "Yes",
        "When: ISO 8601 date and time, such as 2026-11-30T14:05:00 (the organisation's time) "
        "or with an offset (2026-11-30T14:05:00Z, 2026-11-30T14:05:00+01:00).",
    ),
    (
        "user",
        "Yes",
        "The filter's user name: an email address or the external id (from the MIS) of a "
        "learner or member of staff. A name that matches nobody is kept, shown as not matched.",
    ),
    ("url", "One of url or domain", "The address visited; only its domain is kept."),
    ("domain", "One of url or domain", "The site's domain, such as example.com."),
    ("category", "Yes", "One of the categories below, by its key or its name."),
    ("action", "Yes", "What the filter did: blocked, allowed or flagged."),
    ("device", "No", "The device or computer name (up to 200 characters)."),
    ("detail", "No", "Anything else the filter says, on one line (up to 500 characters)."),
)
LIMITS = {"user": 254, "device": 200, "detail": 500, "url": 2000, "domain": 253}
_DOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}\.)*[a-z0-9_-]{1,63}$")


@dataclass(frozen=True)
class ReportRow:
    line: int
    occurred_at: datetime
    user_name: str
    domain: str
    category: FilterCategory
    action: FilterAction
    device: str
    detail: str

    @property
    def serious(self) -> bool:
        return self.category in SERIOUS_CATEGORIES


@dataclass(frozen=True)
class ReadReport:
    rows: list[ReportRow]
    errors: list[RowError]


def _column_key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def category_named(value: str) -> FilterCategory | None:
    """The category whose key or label is ``value``, ignoring capitals and spacing."""
    wanted = _column_key(value)
    for category in FilterCategory:
        if wanted in (category.value, _column_key(category.label)):
            return category
    return None


def accepted_categories() -> str:
    return "; ".join(f"{category.value} ({category.label})" for category in FilterCategory)


def _time(value: str, zone: zoneinfo.ZoneInfo, now: datetime) -> datetime:
    if len(value) <= 10:
        raise ValueError("give the time as well as the date, for example 2026-11-30T14:05:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date and time; write it as ISO 8601, for example "
            "2026-11-30T14:05:00 (the organisation's time) or 2026-11-30T14:05:00Z (UTC)"
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    if moment > now + FUTURE_LEEWAY:
        raise ValueError(
            "is in the future: check the filter's clock, or add its offset from UTC "
            "(for example +00:00)"
        )
    return moment


def domain_of(url: str, domain: str) -> str:
    """The site's domain, from ``domain`` or else from the address ``url``: lower case, with
    no scheme, port, path or query."""
    given = domain or url
    if "//" not in given:
        given = "//" + given
    try:
        host = urlsplit(given).hostname or ""
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except (ValueError, UnicodeError):
        host = ""
    host = host.rstrip(".")
    if not _DOMAIN.match(host):
        raise ValueError(
            f"{(domain or url)!r} is not a web address; give the site's domain "
            "(example.com) or its full address (https://example.com/page)"
        )
    return host


class _RowProblems:
    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[RowError] = []

    def add(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))


def _row(
    line: int, values: dict[str, str], zone: zoneinfo.ZoneInfo, now: datetime
) -> ReportRow | list[RowError]:
    problems = _RowProblems(line)
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            problems.add(column, f"keep this to {limit} characters (it has {len(values[column])})")
    for column in ("user", "device", "detail"):
        problem = single_line_problem(values.get(column, ""))
        if problem:
            problems.add(column, problem)
    for column in REQUIRED:
        if not values.get(column):
            problems.add(column, "is empty; every row needs it")
    occurred_at = None
    if values.get("occurred_at"):
        try:
            occurred_at = _time(values["occurred_at"], zone, now)
        except ValueError as error:
            problems.add("occurred_at", str(error))
    category = category_named(values["category"]) if values.get("category") else None
    if values.get("category") and category is None:
        problems.add(
            "category",
            f"{values['category']!r} is not a category; use one of: {accepted_categories()}",
        )
    action = values.get("action", "").lower()
    if action and action not in FilterAction.values:
        problems.add(
            "action", f"{values['action']!r} is not an action; use blocked, allowed or flagged"
        )
    domain = ""
    if not values.get("url") and not values.get("domain"):
        problems.add("domain", "is empty, and so is url; give the site's domain or address")
    else:
        try:
            domain = domain_of(values.get("url", ""), values.get("domain", ""))
        except ValueError as error:
            problems.add("domain" if values.get("domain") else "url", str(error))
    if problems.errors or occurred_at is None or category is None:
        return problems.errors
    return ReportRow(
        line=line,
        occurred_at=occurred_at,
        user_name=values["user"],
        domain=domain,
        category=category,
        action=FilterAction(action),
        device=values.get("device", ""),
        detail=values.get("detail", ""),
    )


def _header_problems(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, name in enumerate(header):
        key = _column_key(name)
        if key not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    name,
                    "is not a column of a filtering report; remove it or rename it to one of "
                    + ", ".join(COLUMNS),
                )
            )
        elif key in positions:
            errors.append(RowError(1, name, "is named twice; keep one of them"))
        else:
            positions[key] = index
    for key in REQUIRED:
        if key not in positions:
            errors.append(RowError(1, key, "is missing; add a column of that name"))
    if "url" not in positions and "domain" not in positions:
        errors.append(RowError(1, "domain", "is missing, and so is url; add one of them"))
    return positions, errors


def read_report(text: str, *, zone: zoneinfo.ZoneInfo, now: datetime) -> ReadReport:
    """Every row of ``text`` that is right, and every problem found (the file is refused if
    there is any). Times without an offset are in ``zone``, the organisation's."""
    if len(text.encode()) > MAX_BYTES:
        return ReadReport(
            [],
            [
                RowError(
                    0,
                    "",
                    f"is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller "
                    "files, each starting with the line of column names",
                )
            ],
        )
    table = read_table(text)
    if table.errors:
        return ReadReport([], table.errors)
    positions, errors = _header_problems(table.header)
    if errors:
        return ReadReport([], errors)
    if len(table.records) > MAX_ROWS:
        return ReadReport(
            [],
            [
                RowError(
                    0,
                    "",
                    f"has {len(table.records):,} rows; at most {MAX_ROWS:,} are accepted in "
                    "one file: split it (by week, for example), each part starting with the "
                    "line of column names",
                )
            ],
        )
    rows: list[ReportRow] = []
    for record in table.records:
        if len(record.cells) > len(table.header):
            errors.append(
                RowError(
                    record.line,
                    "",
                    f"has {len(record.cells)} values for {len(table.header)} columns; put any "
                    "value holding a comma in double quotes",
                )
            )
            continue
        values = {
            key: (record.cells[index].strip() if index < len(record.cells) else "")
            for key, index in positions.items()
        }
        read = _row(record.line, values, zone, now)
        if isinstance(read, ReportRow):
            rows.append(read)
        else:
            errors.extend(read)
    if not table.records:
        errors.append(RowError(0, "", "has no rows under its line of column names"))
    return ReadReport(rows, errors)
