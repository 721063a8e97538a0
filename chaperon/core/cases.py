"""Safeguarding cases, for apps that must act on one without depending on the app that keeps
them. Each app registers its part in its ``ready()``:

- the app that keeps cases (concerns) says whether a reference names one of its cases, and
  which members of staff are suspended from sessions while an allegation about them is open;
- the vault (recordings) says how it keeps evidence for a case, and how much it keeps about
  a learner.

Every function answers sensibly when nothing is registered: no case is known, nobody is
suspended, nothing is held.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .actors import SYSTEM, Actor

CaseLookup = Callable[[int, str], bool]  # (organisation id, reference) -> it exists
SuspensionLookup = Callable[[frozenset[int]], frozenset[int]]  # user ids -> those suspended

_lookup: list[CaseLookup] = []
_suspensions: list[SuspensionLookup] = []


def register_case_lookup(lookup: CaseLookup) -> None:
    _lookup[:] = [lookup]


def case_exists(*, organisation_id: int, reference: str) -> bool | None:
    """Whether the organisation has a case with this reference; None when no app keeps cases."""
    if not _lookup:
        return None
    return _lookup[0](organisation_id, reference)


def register_suspension_lookup(lookup: SuspensionLookup) -> None:
    _suspensions[:] = [lookup]


def suspended_staff(user_ids: Iterable[int]) -> frozenset[int]:
    """Those of ``user_ids`` suspended from hosting and joining sessions now. The reason is
    never given: it belongs to a restricted case."""
    wanted = frozenset(user_ids)
    if not _suspensions or not wanted:
        return frozenset()
    return _suspensions[0](wanted)


def is_suspended(user_id: int) -> bool:
    return user_id in suspended_staff([user_id])


@dataclass(frozen=True)
class EvidenceRequest:
    """Keep as evidence for the case ``case_reference`` everything of the session and
    everything in which one of the learners appears."""

    organisation_id: int
    case_reference: str
    reason: str
    session_id: int | None = None
    learner_ids: tuple[int, ...] = ()
    # Whose action asked for it: a person, the public (a report from the public page) or the
    # system.
    actor: Actor = SYSTEM


@dataclass(frozen=True)
class EvidenceKeeper:
    # Holds what the request names, inside the caller's transaction; returns how many newly.
    hold: Callable[[EvidenceRequest], int]
    # How many items held as evidence the learner appears in.
    held_about: Callable[[int], int]


_keepers: list[EvidenceKeeper] = []


def register_evidence_keeper(keeper: EvidenceKeeper) -> None:
    _keepers[:] = [keeper]


def hold_evidence(request: EvidenceRequest) -> int:
    """Ask the evidence keeper to hold what ``request`` names. Call inside the transaction that
    records the case, so that the hold commits with it or not at all."""
    if not _keepers or (request.session_id is None and not request.learner_ids):
        return 0
    return _keepers[0].hold(request)


def evidence_held_about(learner_id: int) -> int:
    """How many items held as evidence the learner appears in (no case is named)."""
    return _keepers[0].held_about(learner_id) if _keepers else 0
