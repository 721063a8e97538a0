"""Import a OneRoster 1.2 CSV bulk export (orgs, academicSessions, courses, classes, users,
roles, enrollments, demographics): learners, staff, parents and carers, classes, year and
tutor groups, matched on each record's ``sourcedId``.

As with the people CSV import, every row is checked first and a set with any bad row changes
nothing, each problem named with its file, line and column; a good set is written in one
transaction. Nothing is deleted: a learner or member of staff gone from the export is marked
as left (their records are kept), a class gone from it is ended. Documented in docs/import.md.
"""

from .files import RosterFiles, read_folder, read_zip
from .report import RosterError, RosterResult
from .service import roster_import

__all__ = [
    "RosterError",
    "RosterFiles",
    "RosterResult",
    "read_folder",
    "read_zip",
    "roster_import",
]
