"""The plan's facts: everything about one planned session that the rules read, as frozen
dataclasses (plan format version 1; ``plan.py`` reads them from JSON-shaped data).

A fact that is not known is ``None``, and the rules treat it as not met: the policy fails
closed.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from chaperon.core.pure.consent import ConsentStatus, ParentInformation

__all__ = [
    "Consent",
    "ConsentStatus",
    "ExceptionApproval",
    "Kind",
    "Learner",
    "OtherAdult",
    "ParentInformation",
    "Plan",
    "Recording",
    "RoomSettings",
    "Session",
    "Slot",
    "Staff",
    "Stage",
]


class Kind(StrEnum):
    ONE_TO_ONE = "one_to_one"
    GROUP = "group"
    WEBINAR = "webinar"  # counts as a group


class Stage(StrEnum):
    BOOK = "book"
    START = "start"  # checked again when the session opens


@dataclass(frozen=True, slots=True)
class RoomSettings:
    waiting_room: bool | None = None
    passcode: bool | None = None
    host_video: bool | None = None
    participant_video: bool | None = None
    participant_screen_share: bool | None = None
    participant_rename: bool | None = None
    lock_when_all_arrived: bool | None = None


@dataclass(frozen=True, slots=True)
class Recording:
    enabled: bool = False
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class ExceptionApproval:
    """An exception to the policy for this session. It counts only when the approver's role
    is one of the policy's exception approvers and both the approver and the reason are given;
    it can turn "needs an exception" into "excepted" for the rules it covers, never lift a
    block."""

    approved_by_role: str
    approved_by: str
    reason: str
    covers: frozenset[str]  # rule identifiers


@dataclass(frozen=True, slots=True)
class Session:
    kind: Kind
    start: datetime  # aware; kept in UTC
    duration_minutes: int
    stage: Stage = Stage.BOOK
    platform: str | None = None
    account: str | None = None  # "organisation" passes; anything else, or not known, fails
    settings: RoomSettings = RoomSettings()
    recording: Recording = Recording()
    risk_assessment_done: bool | None = None
    exception: ExceptionApproval | None = None

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None:
            raise ValueError("Session.start must be an aware datetime")
        object.__setattr__(self, "start", self.start.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    dbs_checked_on: date | None = None
    safeguarding_training_on: date | None = None
    aup_signed_on: date | None = None
    recording_consent: bool | None = None
    # Suspended from running and joining sessions (while an allegation is looked into).
    suspended: bool | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    participation: ConsentStatus = ConsentStatus.MISSING
    recording: ConsentStatus = ConsentStatus.MISSING
    parent_information: ParentInformation = ParentInformation.MISSING


@dataclass(frozen=True, slots=True)
class Slot:
    """Agreed days and times of day (in the policy's time zone) for 1:1 sessions."""

    days: frozenset[int]  # date.weekday() numbers: 0 is Monday
    start: time  # "from" in the plan
    end: time  # "to" in the plan; a session ending exactly then is inside


@dataclass(frozen=True, slots=True)
class Learner:
    id: str
    date_of_birth: date | None = None
    adult_at_risk: bool | None = None
    consent: Consent = Consent()
    agreed_slots: tuple[Slot, ...] = ()
    # The starts of the learner's other sessions (not this one); None when not known.
    other_sessions_starts: tuple[datetime, ...] | None = None
    adult_present: bool | None = None
    comfortable_being_recorded: bool | None = None


@dataclass(frozen=True, slots=True)
class OtherAdult:
    role: str


@dataclass(frozen=True, slots=True)
class Plan:
    session: Session
    staff: tuple[Staff, ...] = ()
    learners: tuple[Learner, ...] = ()
    other_adults: tuple[OtherAdult, ...] = ()
