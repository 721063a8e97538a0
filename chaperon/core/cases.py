"""Safeguarding cases by their reference, for an app that must name one (a recording held as
evidence) without depending on the app that keeps them. The app that keeps cases registers how
to look one up in its ``ready()``."""

from collections.abc import Callable

CaseLookup = Callable[[int, str], bool]  # (organisation id, reference) -> it exists

_lookup: list[CaseLookup] = []


def register_case_lookup(lookup: CaseLookup) -> None:
    _lookup[:] = [lookup]


def case_exists(*, organisation_id: int, reference: str) -> bool | None:
    """Whether the organisation has a case with this reference; None when no app keeps cases."""
    if not _lookup:
        return None
    return _lookup[0](organisation_id, reference)
