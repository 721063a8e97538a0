"""What checking a file decides for each row, and the shared means of carrying it out.

Each kind of file makes a ``Plan``: one ``Step`` per row (created, updated or unchanged), the
new and changed records, already validated, and how to write them. Writing inserts new records
in batches and audits each record as the people services do (the same actions and facts), in
the import's one transaction. The services themselves are not called row by row: each call
opens a savepoint and runs its own queries, which made a file of a few thousand rows take more
than a minute on PostgreSQL. The checks they make are made here instead, for the whole file,
before anything is written: the same permissions (in ``service``), each model's own validation,
and uniqueness of external ids and email addresses against the file and the database.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import batched
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor

from ..models import User
from ..privileges import Refusal
from .formats import ParsedRow
from .report import RowError

BATCH = 500
REASON = "Imported from a CSV file"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Step:
    line: int
    outcome: Outcome


class Plan:
    """The steps of a checked file and how to write them. Kinds of file fill in ``write``."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        # Rows refused because only a safeguarding lead may make their change (``privileges``).
        self.refusals: list[Refusal] = []
        self._pending: Counter[int] = Counter()
        self._written = 0
        self._progress: Callable[[int], None] = lambda written: None

    def step(self, line: int, outcome: Outcome, operations: int = 1) -> None:
        """Add a row's step; it counts as written once its ``operations`` are done."""
        self.steps.append(Step(line, outcome))
        if outcome == Outcome.UNCHANGED:
            operations = 0
        self._pending[line] += operations

    def write_all(self, actor: User | SystemActor, progress: Callable[[int], None]) -> None:
        """Write every change, telling ``progress`` how many rows are done so far."""
        self._progress = progress
        self._written = sum(1 for step in self.steps if self._pending[step.line] == 0)
        progress(self._written)
        self.write(actor)

    def write(self, actor: User | SystemActor) -> None:
        raise NotImplementedError

    def check_allowed(self, actor: User | SystemActor, errors: list[RowError]) -> None:
        """Report each row that ``actor`` may not write although they may import the file."""

    def done(self, line: int) -> None:
        """One operation of the row on ``line`` is written."""
        self._pending[line] -= 1
        if self._pending[line] == 0:
            self._written += 1
            self._progress(self._written)


def audit(
    action: AuditAction, actor: User | SystemActor, obj: Model, data: dict[str, Any] | None = None
) -> None:
    record(action=action, actor=actor, obj=obj, reason=REASON, data=data)


def in_batches[T](items: Sequence[T]) -> Iterator[tuple[T, ...]]:
    return batched(items, BATCH)


def validate(
    instance: Model,
    line: int,
    errors: list[RowError],
    *,
    columns: Iterable[str],
    exclude: Iterable[str] = (),
) -> None:
    """Report what the model itself refuses in ``instance``, by column. Uniqueness is checked
    by the plans against the whole file and the database instead."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        known = set(columns)
        for field, messages in error.message_dict.items():
            column = field if field in known and field != NON_FIELD_ERRORS else ""
            errors.append(RowError(line, column, " ".join(messages)))


def report_repeats(
    rows: Iterable[ParsedRow],
    column: str,
    errors: list[RowError],
    *,
    why: str,
    key: Callable[[ParsedRow], object] | None = None,
) -> None:
    """Report every row whose value in ``column`` (or ``key``) an earlier row already has."""
    first_line: dict[object, int] = {}
    for row in rows:
        if column not in row.values:
            continue
        value = key(row) if key else row.values[column]
        if value in ("", None):
            continue
        if value in first_line:
            errors.append(
                RowError(
                    row.line,
                    column,
                    f"“{row.values[column]}” is also on line {first_line[value]}; {why}",
                )
            )
        else:
            first_line[value] = row.line


def group_by(rows: Iterable[ParsedRow], column: str) -> dict[str, list[ParsedRow]]:
    groups: defaultdict[str, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        if column in row.values:
            groups[row.values[column]].append(row)
    return dict(groups)
