"""What the people app tells the apps above it (published after the change commits)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffChanged:
    """A staff member's record changed (for example a DBS or training date)."""

    organisation_id: int
    user_id: int


@dataclass(frozen=True)
class StaffLeft:
    """A member of staff left: their account no longer signs in. What they were due to run or
    take part in must stop."""

    organisation_id: int
    user_id: int


@dataclass(frozen=True)
class LearnerLeft:
    """A learner left the organisation: the sessions they were to join must go on without
    them, or not at all."""

    organisation_id: int
    learner_id: int


@dataclass(frozen=True)
class OrganisationSettingsChanged:
    """Time zone, working hours or check validity may have changed."""

    organisation_id: int


@dataclass(frozen=True)
class GroupMembersChanged:
    """Learners joined or left a class or group: its sessions still to come must follow."""

    organisation_id: int
    group_id: int
    joined: tuple[int, ...]
    left: tuple[int, ...]
