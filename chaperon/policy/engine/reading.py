"""Reading JSON- or YAML-shaped data field by field, refusing with the field's path."""

import re
from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from .errors import InvalidInput

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
_DAY_INDEX = {name: index for index, name in enumerate(DAY_NAMES)}
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def mapping(
    value: object,
    path: str,
    *,
    fields: Iterable[str],
    required: Iterable[str] = (),
    error: type[InvalidInput],
    what: str = "an object",
    document: str = "",
) -> Mapping[str, Any]:
    """``value`` as a mapping holding only known ``fields`` and every ``required`` one. The
    fields of a whole ``document`` (at path "") are named without a prefix."""
    if not isinstance(value, Mapping):
        raise error(path or document, f"must be {what}")
    known = tuple(fields)
    for key in value:
        if key not in known:
            raise error(
                join(path, str(key)), f"not a known field; the fields are {', '.join(known)}"
            )
    for key in required:
        if key not in value:
            raise error(join(path, key), "missing; it is required")
    return value


def whole_number(
    value: object, path: str, low: int, high: int, *, error: type[InvalidInput], unit: str = ""
) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        of = f" of {unit}" if unit else ""
        raise error(path, f"must be a whole number{of} between {low} and {high}")
    return value


def text(value: object, path: str, *, error: type[InvalidInput], what: str = "text") -> str:
    if not isinstance(value, str) or not value.strip():
        raise error(path, f"must be {what}, not blank")
    return value


def optional_text(value: object, path: str, *, error: type[InvalidInput]) -> str | None:
    if value is not None and not isinstance(value, str):
        raise error(path, "must be text or null")
    return value


def flag(value: object, path: str, *, error: type[InvalidInput]) -> bool | None:
    """``true``, ``false`` or ``null`` (not known)."""
    if value is not None and not isinstance(value, bool):
        raise error(path, "must be true, false or null (not known)")
    return value


def sequence(value: object, path: str, *, error: type[InvalidInput], what: str) -> list[Any]:
    if not isinstance(value, list):
        raise error(path, f"must be a list of {what}")
    return value


def time_of_day(value: object, path: str, *, error: type[InvalidInput]) -> time:
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise error(path, 'must be a time of day as "HH:MM" (24-hour clock), e.g. "08:30"')
    return time(int(match[1]), int(match[2]))


def optional_date(value: object, path: str, *, error: type[InvalidInput]) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise error(path, "not a date as YYYY-MM-DD (or null if not known)")


def weekdays(value: object, path: str, *, error: type[InvalidInput]) -> tuple[int, ...]:
    """Day names (``mon`` … ``sun``) as ``date.weekday()`` numbers, each at most once."""
    names = sequence(value, path, error=error, what="days such as [mon, tue, wed, thu, fri]")
    if not names:
        raise error(path, "must name at least one day")
    days: list[int] = []
    for index, name in enumerate(names):
        day = _DAY_INDEX.get(name) if isinstance(name, str) else None
        if day is None:
            raise error(join(path, index), "not a day; use mon, tue, wed, thu, fri, sat or sun")
        if day in days:
            raise error(join(path, index), f"{name} is listed twice")
        days.append(day)
    return tuple(days)
