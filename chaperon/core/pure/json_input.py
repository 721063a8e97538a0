"""JSON from outside (API bodies, plan files) read strictly, with errors that name the field.

Python's ``json`` accepts what cannot be stored or used: a lone UTF-16 surrogate such as
``"\\ud800"`` decodes to a string that no database or UTF-8 encoder takes (a 500 much later),
and nesting thousands of levels deep exhausts the parser's recursion (a traceback). Here both
are refused at the door, like any other malformed input. Plain Python, no Django: the policy
engine reads plans with it too.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 32

# Just enough of JSON to follow the nesting of a document too deep for ``json`` itself.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')


class JsonInputError(ValueError):
    """``field`` is the path of the refused value (``plan.session.start``, ``learners[0]``),
    or "" when the document as a whole is refused."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class _GivenTwice(Exception):
    pass


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _GivenTwice(json.dumps(key))
        result[key] = value
    return result


def _too_deep(path: str, max_depth: int) -> JsonInputError:
    """Named by the outermost field it happens in: the rest of the path is as deep."""
    outermost = re.split(r"[.\[]", path, maxsplit=1)[0]
    return JsonInputError(
        outermost, f"nested more than {max_depth} levels deep; send a flatter document"
    )


def _surrogate(text: str) -> str | None:
    """The first lone surrogate in ``text`` as JSON writes it (``\\ud800``), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"\\u{ord(text[error.start]):04x}"
    return None


def _check_text(text: str, field: str) -> None:
    surrogate = _surrogate(text)
    if surrogate is not None:
        raise JsonInputError(
            field,
            f"holds a lone UTF-16 surrogate ({surrogate}), which is not a character; send "
            "the text as valid Unicode (a character outside the BMP as the character itself "
            "or as a pair of surrogates)",
        )


def _children(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            field = _join(path, key)
            _check_text(key, field)
            yield item, field
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield item, _join(path, index)


def _check(data: Any, max_depth: int) -> None:
    """Walk the parsed document (no recursion): no deeper than ``max_depth``, no string or
    key that is not text."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, dict | list):
            if depth >= max_depth:
                raise _too_deep(path, max_depth)
            stack.extend((item, field, depth + 1) for item, field in _children(value, path))


def _field_too_deep(text: str, max_depth: int) -> JsonInputError:
    """For a document too deep for ``json`` to parse: the error, naming the outermost field
    it happens in (found by following the brackets, stopping at the limit)."""
    depth = 0
    key = ""
    previous = ""
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            if depth > max_depth:
                break
        elif piece in "]}":
            depth -= 1
        elif piece == ":" and depth == 1 and previous.startswith('"'):
            key = json.loads(previous)
        previous = piece
    return _too_deep(key, max_depth)


def load_json(
    source: str | bytes, *, max_depth: int = MAX_DEPTH, refuse_repeated_keys: bool = False
) -> Any:
    """The data of a JSON document, or ``JsonInputError`` naming what is wrong and where."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonInputError("", "not valid JSON: not UTF-8 text") from None
    hook = _refuse_repeated_keys if refuse_repeated_keys else None
    try:
        data = json.loads(source, object_pairs_hook=hook)
    except _GivenTwice as twice:
        raise JsonInputError("", f"the key {twice} is given twice in one object") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise JsonInputError("", f"not valid JSON: {error.msg} at {where}") from None
    except RecursionError:
        raise _field_too_deep(source, max_depth) from None
    _check(data, max_depth)
    return data
