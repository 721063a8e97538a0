"""Turn one CSV cell into a value, or say what is wrong with it and how to fix it."""

import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from chaperon.core.validators import single_line_problem

from ..emails import normalise_email

type Parser = Callable[[str], object]

TRUE_WORDS = ("yes", "y", "true", "1")
FALSE_WORDS = ("no", "n", "false", "0")
EARLIEST_YEAR = 1900
EMAIL_MAX_LENGTH = 254

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
_PHONE = re.compile(r"\+?[0-9 ()\-]+")


class BadValue(Exception):
    """A cell's value cannot be used; ``str(error)`` says why and what to write instead."""


def normalise(name: str) -> str:
    """Compare names and choices loosely: ``Date of birth`` and ``date_of_birth`` are equal."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _at_most(raw: str, max_length: int) -> str:
    if len(raw) > max_length:
        raise BadValue(f"is {len(raw)} characters long; shorten it to {max_length} at most")
    problem = single_line_problem(raw)
    if problem is not None:
        raise BadValue(problem)
    return raw


def text(max_length: int) -> Parser:
    return partial(_at_most, max_length=max_length)


def parse_date(raw: str) -> date:
    """ISO ``YYYY-MM-DD`` or UK ``DD/MM/YYYY`` (as MIS exports write dates)."""
    hint = "use YYYY-MM-DD or DD/MM/YYYY, for example 2012-05-17 or 17/05/2012"
    if match := _ISO_DATE.fullmatch(raw):
        year, month, day = (int(part) for part in match.groups())
    elif match := _UK_DATE.fullmatch(raw):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) != 4:
            raise BadValue(f"“{raw}” has a two-digit year; write the year in full ({hint})")
    else:
        raise BadValue(f"“{raw}” is not a date; {hint}")
    try:
        value = date(year, month, day)
    except ValueError:
        raise BadValue(f"“{raw}” is not a date in the calendar; {hint}") from None
    if value.year < EARLIEST_YEAR:
        raise BadValue(f"“{raw}” is before {EARLIEST_YEAR}; check the year")
    return value


def parse_bool(raw: str) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(f"“{raw}” is not yes or no; use yes or no (or y/n, true/false, 1/0)")


def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[normalise(str(label))] = value
        lookup[normalise(value)] = value
    return lookup


def _one_of(values: Iterable[str]) -> str:
    values = list(values)
    return ", ".join(values[:-1]) + " or " + values[-1]


def choice(choices: type[models.TextChoices], noun: str) -> Parser:
    """One of ``choices``, by value or label, ignoring case, spaces and hyphens."""
    lookup = _choice_lookup(choices)

    def parse(raw: str) -> str:
        try:
            return lookup[normalise(raw)]
        except KeyError:
            raise BadValue(f"“{raw}” is not {noun}; use {_one_of(choices.values)}") from None

    return parse


def choices_list(choices: type[models.TextChoices], noun: str, separator: str = ";") -> Parser:
    """Several of ``choices`` separated by ``separator``; returns them sorted, each once.
    ``noun`` is singular, without an article ("role")."""
    lookup = _choice_lookup(choices)

    def parse(raw: str) -> list[str]:
        picked, unknown = set(), []
        for part in (piece.strip() for piece in raw.split(separator)):
            if not part:
                continue
            if normalise(part) in lookup:
                picked.add(lookup[normalise(part)])
            else:
                unknown.append(f"“{part}”")
        if unknown:
            what = f"is not a {noun}" if len(unknown) == 1 else f"are not {noun}s"
            raise BadValue(
                f"{', '.join(unknown)} {what}; use {_one_of(choices.values)}, "
                f"separated by {separator}"
            )
        if not picked:
            raise BadValue(f"names no {noun}; give at least one")
        return sorted(picked)

    return parse


def parse_email(raw: str) -> str:
    value = normalise_email(raw)
    if len(value) > EMAIL_MAX_LENGTH:
        raise BadValue(
            f"is {len(value)} characters long; an email address has {EMAIL_MAX_LENGTH} at most"
        )
    try:
        validate_email(value)
    except ValidationError:
        raise BadValue(f"“{raw}” is not an email address") from None
    return value


def phone(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        digits = sum(char.isdigit() for char in raw)
        if not _PHONE.fullmatch(raw) or digits < 6:
            raise BadValue(
                f"“{raw}” is not a phone number; use digits, spaces and + ( ) - only, "
                "for example 07700 900123"
            )
        return _at_most(raw, max_length)

    return parse
