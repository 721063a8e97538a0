"""Validators shared by every app's text fields."""

import unicodedata
from typing import Annotated

from django.core.exceptions import ValidationError
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Joiners shape letters in Persian, Indic scripts and emoji sequences: a name may need them.
_ALLOWED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})
# Control (Cc), invisible format (Cf), line and paragraph separator (Zl, Zp) characters, and
# halves of a UTF-16 pair on their own (Cs), which no database can store as text.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMES = {
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\x85": "a line break",
    "\u2028": "a line break",
    "\u2029": "a paragraph break",
    "\x00": "a NUL character",
}


def _describe(character: str) -> str:
    named = _NAMES.get(character)
    code = f"U+{ord(character):04X}"
    if named:
        return f"{named} ({code})"
    name = unicodedata.name(character, "")
    return f"an invisible character ({code} {name})" if name else f"a control character ({code})"


def single_line_problem(value: str) -> str | None:
    """Why ``value`` cannot be a one-line field (a name, a title, an id), or None if it can.

    A line break in a name ends up in an email header, a CSV export or a log line, where it
    starts a new header, row or entry; invisible controls (bidirectional overrides among them)
    make a name read differently from what it holds.
    """
    for character in value:
        if (
            unicodedata.category(character) in _REFUSED_CATEGORIES
            and character not in _ALLOWED_FORMAT_CHARACTERS
        ):
            return f"holds {_describe(character)}; write it on one line, without control characters"
    return None


def single_line(value: str) -> None:
    """Django validator for one-line text fields: refuse control characters and line breaks."""
    problem = single_line_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="single_line")


def _single_line_text(value: str) -> str:
    problem = single_line_problem(value)
    if problem is not None:
        raise PydanticCustomError("single_line", problem)
    return value


# The same rule for API request schemas: a one-line text field.
SingleLineText = Annotated[str, AfterValidator(_single_line_text)]
