"""What a OneRoster import reports: each problem with its file, line and column, and the
changes it made (or, in a preview, would make)."""

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class RosterError:
    """One problem: the file, its line (1 is the header; 0 the whole file), the column (empty
    for the whole line), what is wrong and how to put it right."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Changes:
    """Names of the records created, updated and marked as left (or ended), per kind."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "left": len(self.left),
            "unchanged": self.unchanged,
        }


KINDS = ("learners", "staff", "guardians", "groups")


@dataclass
class RosterResult:
    """What the import did (``applied``) or would do (a preview). With ``errors`` nothing was
    written. ``members_added`` and ``members_removed`` count places in classes and groups."""

    rows: int = 0
    learners: Changes = field(default_factory=Changes)
    staff: Changes = field(default_factory=Changes)
    guardians: Changes = field(default_factory=Changes)
    groups: Changes = field(default_factory=Changes)
    links_added: int = 0
    members_added: int = 0
    members_removed: int = 0
    errors: list[RosterError] = field(default_factory=list)
    applied: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    @property
    def changes_nothing(self) -> bool:
        return not any(
            changes.created or changes.updated or changes.left
            for changes in (self.learners, self.staff, self.guardians, self.groups)
        ) and not (self.links_added or self.members_added or self.members_removed)

    def summary(self) -> dict[str, object]:
        """The counts, as stored with the import and printed by the command."""
        return {
            "rows": self.rows,
            **{kind: getattr(self, kind).counts for kind in KINDS},
            "links_added": self.links_added,
            "members_added": self.members_added,
            "members_removed": self.members_removed,
        }

    def preview(self, *, listed: int) -> dict[str, object]:
        """What applying would change, as kept with an export waiting to be applied: the
        counts, and the first ``listed`` names of each kind and change."""
        return {
            "kinds": [
                {
                    "kind": kind,
                    "counts": getattr(self, kind).counts,
                    **{
                        change: getattr(getattr(self, kind), change)[:listed]
                        for change in ("created", "updated", "left")
                    },
                }
                for kind in KINDS
            ],
            "links_added": self.links_added,
            "members_added": self.members_added,
            "members_removed": self.members_removed,
            "changes_nothing": self.changes_nothing,
        }
