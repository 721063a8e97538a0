"""The retention schedule (LOG-2, ORG-7): one table of the kinds of record Chaperon keeps, each
with its rule, the action at its end and the law or guidance it follows, and the date
arithmetic that says when a record falls due. Plain Python, so that every boundary date can be
tested without a database; the retention app reads this table for its pages and the register
of personal information reads it for "kept for".

A due date is the first day on which a record comes to the DSL: a record is due on a day when
its due date is that day or earlier.

Anniversaries of 29 February: in a year without one, the anniversary is 1 March, as a person
born on 29 February comes of age on 1 March in UK law (``dates.age_on``). A retention period
therefore never ends before its full number of years has passed; the record is kept one day
longer rather than one day too short.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from . import dates

RETIREMENT_AGE = 67  # the default normal pension age; the deployment's setting may change it


class Kind(StrEnum):
    CONCERN_FILE = "concern_file"
    ALLEGATION = "allegation"
    MEETING_RECORD = "meeting_record"
    CONSENT_EVIDENCE = "consent_evidence"
    RECORDING = "recording"
    AUDIT_LOG = "audit_log"
    AUP_AND_TRAINING = "aup_and_training"
    PEOPLE_WHO_LEFT = "people_who_left"


class Action(StrEnum):
    DESTROY = "destroy"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return "Destroy" if self is Action.DESTROY else "Review by the DSL"


class Rule(StrEnum):
    FROM_BIRTH = "from_birth"  # the child's date of birth plus the years
    ALLEGATION = "allegation"  # the longer of retirement age and the years from the allegation
    FROM_EVENT = "from_event"  # the years from an event (the meeting, the consent ending...)
    AS_CONSENTED = "as_consented"  # the period the consent statement gave
    KEPT_WHOLE = "kept_whole"  # never shortened: the audit log's chain


class AllegationOutcome(StrEnum):
    """The outcomes of an allegation about staff that Keeping children safe in education
    names. Only a malicious one changes how long the record is kept."""

    SUBSTANTIATED = "substantiated"
    UNSUBSTANTIATED = "unsubstantiated"
    UNFOUNDED = "unfounded"
    FALSE = "false"
    MALICIOUS = "malicious"


@dataclass(frozen=True)
class RecordKind:
    kind: Kind
    label: str
    rule: Rule
    years: int | None  # the schedule's period; None where it is not a number of years
    runs_from: str  # what the period runs from, in words
    action: Action
    basis: str
    # Destroyed by Chaperon itself when the period ends (no DSL confirmation is asked).
    automatic: bool = False
    # The organisation may set its own period (longer, or shorter with a recorded reason).
    adjustable: bool = True
    note: str = ""


IRMS = "IRMS Information Management Toolkit for Schools"

SCHEDULE: tuple[RecordKind, ...] = (
    RecordKind(
        kind=Kind.CONCERN_FILE,
        label="Concern and child protection file",
        rule=Rule.FROM_BIRTH,
        years=25,
        runs_from="the child's date of birth",
        action=Action.REVIEW,
        basis=(
            f"{IRMS}: a child protection file is kept until the child's date of birth plus "
            "25 years, then reviewed. Keeping children safe in education (DfE), Part 2 and "
            "Annex C: the designated safeguarding lead keeps the child protection file."
        ),
        note=(
            "The DSL's review keeps the file longer, or destroys it on the DSL's confirmation, "
            "certified in the audit log: the only way a concern is ever deleted."
        ),
    ),
    RecordKind(
        kind=Kind.ALLEGATION,
        label="Allegation about a member of staff",
        rule=Rule.ALLEGATION,
        years=10,
        runs_from="the allegation, or the person's normal retirement age if that is later",
        action=Action.REVIEW,
        basis=(
            "Keeping children safe in education (DfE), Part 4: the record is kept until the "
            "accused has reached normal pension age or for ten years from the allegation, "
            "whichever is longer, including allegations that are unfounded, unsubstantiated "
            "or false; details of an allegation found to be malicious are removed from "
            f"personnel records. {IRMS}: then review."
        ),
        note=(
            "An unfounded, unsubstantiated or false allegation is kept for the full period; "
            "one found malicious comes to the DSL on the day of that finding."
        ),
    ),
    RecordKind(
        kind=Kind.MEETING_RECORD,
        label="Meeting record",
        rule=Rule.FROM_EVENT,
        years=None,
        runs_from="the meeting, for the years of the organisation's setting",
        action=Action.DESTROY,
        basis=(
            "UK GDPR article 5(1)(e), storage limitation: kept for the organisation's set "
            "period (LOG-2), then destroyed; only that the record existed is kept."
        ),
        automatic=True,
        adjustable=False,
        note="Chaperon destroys it itself; the period is on the organisation's settings page.",
    ),
    RecordKind(
        kind=Kind.CONSENT_EVIDENCE,
        label="Consent evidence",
        rule=Rule.FROM_EVENT,
        years=6,
        runs_from="the consent ending (withdrawn or replaced)",
        action=Action.DESTROY,
        basis=(
            "UK GDPR articles 7(1) and 5(2): the organisation must be able to show consent "
            "was given for as long as it relies on it; the Limitation Act 1980, section 2 "
            "and 5: six years for a claim about what was done under it."
        ),
    ),
    RecordKind(
        kind=Kind.RECORDING,
        label="Recording",
        rule=Rule.AS_CONSENTED,
        years=None,
        runs_from="the recording, for the days the consent statement gave",
        action=Action.DESTROY,
        basis=(
            "UK GDPR article 5(1)(b) and (e), purpose and storage limitation; REC-1: kept "
            "only for its stated purpose and only as long as consented; destroyed at once "
            "when consent to recording is withdrawn, unless held as evidence."
        ),
        automatic=True,
        adjustable=False,
        note="Chaperon destroys it itself and certifies it; a legal hold keeps it.",
    ),
    RecordKind(
        kind=Kind.AUDIT_LOG,
        label="Audit log",
        rule=Rule.KEPT_WHOLE,
        years=None,
        runs_from="its first entry",
        action=Action.REVIEW,
        basis=(
            "UK GDPR article 5(2), accountability, and article 5(1)(f), integrity: the log "
            "proves what was done with records kept up to 25 years after a child's birth. "
            "It is hash-chained: removing an entry would break the proof of every later one."
        ),
        adjustable=False,
        note="Never shortened; it records each destruction on this schedule.",
    ),
    RecordKind(
        kind=Kind.AUP_AND_TRAINING,
        label="Acceptable use agreements and training records",
        rule=Rule.FROM_EVENT,
        years=6,
        runs_from="the member of staff leaving",
        action=Action.DESTROY,
        basis=(
            f"{IRMS}: staff personnel records are kept until the end of employment plus six "
            "years; the Limitation Act 1980, section 5: six years for a claim in contract."
        ),
    ),
    RecordKind(
        kind=Kind.PEOPLE_WHO_LEFT,
        label="Records of members of staff who left",
        rule=Rule.FROM_EVENT,
        years=6,
        runs_from="the day they left",
        action=Action.REVIEW,
        basis=(
            f"{IRMS}: the end of employment plus six years, then review. A learner who left "
            "is kept by the child protection file's line (date of birth plus 25 years)."
        ),
    ),
)

BY_KIND: dict[Kind, RecordKind] = {entry.kind: entry for entry in SCHEDULE}


def anniversary(day: date, years: int) -> date:
    """``day`` moved ``years`` on; 29 February becomes 1 March in a year without one (later,
    never earlier, so a period is never cut short)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def latest_due_start(today: date, years: int) -> date:
    """The latest day from which a period of ``years`` has ended by ``today``: a record whose
    period runs from ``start`` is due on ``today`` exactly when ``start`` is this day or
    earlier. (A selector filters by it in the database.)"""
    return dates.add_years(today, -years)


def from_birth_due(date_of_birth: date, years: int = 25) -> date:
    """A child protection file comes to review on the child's 25th birthday (by default)."""
    return anniversary(date_of_birth, years)


def from_event_due(event_on: date, years: int) -> date:
    return anniversary(event_on, years)


def allegation_due(
    *,
    alleged_on: date,
    date_of_birth: date | None,
    outcome: AllegationOutcome | None = None,
    found_on: date | None = None,
    years: int = 10,
    retirement_age: int = RETIREMENT_AGE,
) -> date | None:
    """When a record of an allegation about staff comes to review: the later of the person's
    normal retirement age and ``years`` from the allegation. Unfounded, unsubstantiated and
    false allegations keep the full period. A malicious one comes to review on the day it was
    found malicious (to be removed from the personnel record), or on the allegation's day if
    that finding has no date. Without the person's date of birth the retirement date is not
    known: None, never due by itself (kept, failing safe)."""
    if outcome is AllegationOutcome.MALICIOUS:
        return found_on or alleged_on
    if date_of_birth is None:
        return None
    return max(anniversary(alleged_on, years), anniversary(date_of_birth, retirement_age))


def is_due(due_on: date | None, today: date) -> bool:
    return due_on is not None and due_on <= today


def period_years(kind: Kind, override_years: int | None) -> int | None:
    """The period in force: the organisation's own, where it set one, or the schedule's."""
    if override_years is not None and BY_KIND[kind].adjustable:
        return override_years
    return BY_KIND[kind].years


def shortens(kind: Kind, years: int) -> bool:
    """Whether ``years`` is below the schedule: allowed only with a recorded reason."""
    scheduled = BY_KIND[kind].years
    return scheduled is not None and years < scheduled
