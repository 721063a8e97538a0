"""Every rule of the session policy, once: its stable identifier, the clause it puts into
practice (``policies/CLAUSES.md``), what failing it means, whether it is checked only when the
session opens, its check (``rules.py``) and what it requires in plain words under a policy.

What would fix a finding is not here: links and labels are pages of the Django side, which
supplies a fix for each rule by its identifier (``chaperon/sessions/fixes.py``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from chaperon.core.pure import dates

from . import rules
from .document import Policy
from .rules import Context, Failures
from .verdict import Outcome


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    clause: str
    outcome: Outcome  # when the rule fails
    check: Callable[[Context], Failures]
    wording: Callable[[Policy], str]  # what the rule requires, with the policy's values
    start_only: bool = False  # checked only at stage "start"; the others at both stages


BLOCK, NEEDS_EXCEPTION, WARN = Outcome.BLOCK, Outcome.NEEDS_EXCEPTION, Outcome.WARN
AT_RISK_121 = "In a 1:1 with a learner under 18 or an adult at risk"


def _says(sentence: str) -> Callable[[Policy], str]:
    """The words of a rule that no value of the policy changes."""
    return lambda _policy: sentence


def _years(count: int) -> str:
    return "year" if count == 1 else f"{count} years"


def _working_hours(policy: Policy) -> str:
    return (
        f"The whole session falls within working hours: {policy.working_hours_start:%H:%M} to "
        f"{policy.working_hours_end:%H:%M}, {dates.days_words(policy.working_days)} "
        f"({policy.time_zone} time)."
    )


def _weekly(policy: Policy) -> str:
    per_week = policy.max_sessions_per_week
    return (
        f"A learner has at most {per_week} session{'s' * (per_week != 1)} in a calendar "
        "week (Monday to Sunday)."
    )


# In the order findings are reported.
RULES: tuple[Rule, ...] = (
    Rule(
        "consent.participation",
        "SES-9",
        BLOCK,
        rules.consent_participation,
        _says("Every learner has given consent to take part."),
    ),
    Rule(
        "consent.parent_information",
        "SES-8",
        BLOCK,
        rules.consent_parent_information,
        _says(
            "For every learner under 18, a parent has confirmed in writing that they received "
            "the parent information before the session."
        ),
    ),
    Rule(
        "consent.recording",
        "REC-4",
        BLOCK,
        rules.consent_recording,
        _says(
            "A recorded session has consent to record from every learner and every member of "
            "staff taking part."
        ),
    ),
    Rule(
        "recording.purpose",
        "REC-1",
        BLOCK,
        rules.recording_purpose,
        _says("A recorded session states what the recording is for."),
    ),
    Rule(
        "recording.comfort_check",
        "REC-6",
        BLOCK,
        rules.recording_comfort_check,
        _says(
            "When a recorded session opens, every learner is confirmed comfortable being recorded."
        ),
        start_only=True,
    ),
    Rule(
        "time.agreed_slot",
        "SES-1",
        BLOCK,
        rules.time_agreed_slot,
        _says(
            f"{AT_RISK_121}, the whole session falls on a day and within a time agreed in "
            "advance with their parent or carer."
        ),
    ),
    Rule("time.working_hours", "SES-2", NEEDS_EXCEPTION, rules.time_working_hours, _working_hours),
    Rule(
        "duration.max",
        "SES-3",
        NEEDS_EXCEPTION,
        rules.duration_max,
        lambda policy: f"A session lasts at most {policy.max_duration_minutes} minutes.",
    ),
    Rule("frequency.weekly", "SES-2", NEEDS_EXCEPTION, rules.frequency_weekly, _weekly),
    Rule(
        "attendance.two_staff",
        "SES-4",
        BLOCK,
        rules.attendance_two_staff,
        _says("A group session or webinar has at least two members of staff."),
    ),
    Rule(
        "attendance.adult_present",
        "SES-5",
        BLOCK,
        rules.attendance_adult_present,
        _says(f"{AT_RISK_121}, a parent, carer or named adult is present in the house."),
    ),
    Rule(
        "attendance.facilitator_invited",
        "SES-5",
        WARN,
        rules.attendance_facilitator_invited,
        _says(f"{AT_RISK_121}, a parent, teacher or facilitator is invited and can drop in."),
    ),
    Rule(
        "staff.dbs",
        "SES-10",
        BLOCK,
        rules.staff_dbs,
        lambda policy: (
            "Every member of staff taking part has a DBS check made within the last "
            f"{_years(policy.dbs_valid_years)} of the session."
        ),
    ),
    Rule(
        "staff.training",
        "SES-10",
        BLOCK,
        rules.staff_training,
        lambda policy: (
            "Every member of staff taking part has had safeguarding training within the last "
            f"{_years(policy.training_valid_years)} of the session."
        ),
    ),
    Rule(
        "staff.aup",
        "SES-10",
        BLOCK,
        rules.staff_aup,
        lambda policy: (
            "Every member of staff taking part has signed the acceptable use agreement within "
            f"the last {_years(policy.aup_valid_years)} of the session."
        ),
    ),
    Rule(
        "staff.suspended",
        "SES-10",
        BLOCK,
        rules.staff_suspended,
        _says("No member of staff taking part is suspended from running and joining sessions."),
    ),
    Rule(
        "platform.approved",
        "SES-11",
        BLOCK,
        rules.platform_approved,
        lambda policy: (
            f"The session uses an approved platform: {', '.join(policy.approved_platforms)}."
        ),
    ),
    Rule(
        "platform.account",
        "SES-11",
        BLOCK,
        rules.platform_account,
        _says("The session uses an organisation account, never a personal one."),
    ),
    Rule(
        "platform.waiting_room",
        "ROOM-1",
        BLOCK,
        rules.platform_waiting_room,
        _says("The waiting room is on: the host admits each person."),
    ),
    Rule(
        "platform.passcode",
        "ROOM-2",
        BLOCK,
        rules.platform_passcode,
        _says("A passcode is needed to enter."),
    ),
    Rule(
        "platform.video",
        "ROOM-3",
        BLOCK,
        rules.platform_video,
        _says("Host and participant video are on."),
    ),
    Rule(
        "platform.screen_share",
        "ROOM-4",
        BLOCK,
        rules.platform_screen_share,
        _says("Participants cannot share their screen."),
    ),
    Rule(
        "platform.rename",
        "ROOM-5",
        BLOCK,
        rules.platform_rename,
        _says("Participants cannot rename themselves."),
    ),
    Rule(
        "platform.lock",
        "ROOM-6",
        BLOCK,
        rules.platform_lock,
        _says("The meeting is locked once everyone expected has arrived."),
    ),
    Rule(
        "session.risk_assessment",
        "SES-13",
        BLOCK,
        rules.session_risk_assessment,
        _says("When the session opens, a risk assessment for it has been made."),
        start_only=True,
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULE_IDS: frozenset[str] = frozenset(RULES_BY_ID)
