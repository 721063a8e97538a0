from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyChanged:
    """An organisation saved a new version of its session policy."""

    organisation_id: int
    version: int
