"""What an import reports: each problem with where it is, its progress, and its outcome."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

type Phase = Literal["checking", "writing"]


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: the file's line (1 is the header; 0 the whole file), the column (empty for
    the whole line), and what is wrong and how to put it right."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the file"
        return (
            f"{where}, column {self.column}: {self.message}"
            if self.column
            else f"{where}: {self.message}"
        )

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Progress:
    phase: Phase
    checked: int
    written: int
    total: int


type ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class ImportResult:
    """How many rows were (or, in a dry run, would be) created, updated or left unchanged.

    When ``errors`` is not empty the file was refused and nothing was written.
    """

    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = field(default=())
    dry_run: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.errors)
