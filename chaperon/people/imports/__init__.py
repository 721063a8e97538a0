"""Import staff, learners and parents or carers from CSV files exported from an MIS.

Every row is checked first; a file with any bad row writes nothing and reports every problem
with its line and column. A good file is written in one transaction through the people
services, matched on each record's external id, so importing the same file again changes
nothing. The file formats are described in ``formats`` and documented in docs/import.md.
"""

from .csvfile import UnreadableFile, decode_csv
from .report import ImportResult, Progress, RowError
from .service import people_import

__all__ = ["ImportResult", "Progress", "RowError", "UnreadableFile", "decode_csv", "people_import"]
