"""A learner's safeguarding chronology is put together by the app that keeps cases; apps above
and beside it (the live room, the vault) add what they know about the learner by registering
a source in their ``ready()``. A source is asked only for a viewer already allowed to read the
chronology, and answers entries about that learner.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime
    kind: str  # a word for the reader: "Room", "Evidence"
    title: str
    detail: str = ""
    # The case the entry names, if any: left out for a viewer who may not see that case.
    case_reference: str = ""
    # The session it belongs to, if any: placed after that session in the chronology.
    session_id: int | None = None


ChronologySource = Callable[[Any, int], list[ChronologyEntry]]  # (viewer, learner id)

_sources: dict[str, ChronologySource] = {}


def register_chronology_source(name: str, source: ChronologySource) -> None:
    _sources[name] = source


def chronology_entries(viewer: Any, learner_id: int) -> list[ChronologyEntry]:
    """Every registered source's entries about the learner, in no particular order."""
    return [entry for _, source in sorted(_sources.items()) for entry in source(viewer, learner_id)]
