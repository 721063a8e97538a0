"""The policy in plain words, rule by rule, with the clause each comes from: for the policy
page, and for anyone who wants to read what a policy file means without reading the code."""

from typing import NamedTuple

from chaperon.core.pure import dates

from .catalogue import CATALOGUE, RULES_BY_ID
from .document import Policy
from .verdict import Outcome

# The roles that may approve exceptions, in words (values as the people app stores them).
APPROVER_WORDS = {
    "slt": "a senior leader",
    "dsl": "the Designated Safeguarding Lead",
    "deputy_dsl": "a deputy Designated Safeguarding Lead",
}


class RuleText(NamedTuple):
    rule: str
    clause: str
    sentence: str


def _years(count: int) -> str:
    return "year" if count == 1 else f"{count} years"


def _either(words: list[str]) -> str:
    if len(words) <= 2:
        return " or ".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def _sentences(policy: Policy) -> dict[str, str]:
    hours = f"{policy.working_hours_start:%H:%M} to {policy.working_hours_end:%H:%M}"
    per_week = policy.max_sessions_per_week
    platforms = ", ".join(policy.approved_platforms)
    at_risk_121 = "In a 1:1 with a learner under 18 or an adult at risk"
    return {
        "consent.participation": "Every learner has given consent to take part.",
        "consent.parent_information": (
            "For every learner under 18, a parent has confirmed in writing that they received "
            "the parent information before the session."
        ),
        "consent.recording": (
            "A recorded session has consent to record from every learner and every member of "
            "staff taking part."
        ),
        "recording.purpose": "A recorded session states what the recording is for.",
        "recording.comfort_check": (
            "When a recorded session opens, every learner is confirmed comfortable being recorded."
        ),
        "time.agreed_slot": (
            f"{at_risk_121}, the whole session falls on a day and within a time agreed in "
            "advance with their parent or carer."
        ),
        "time.working_hours": (
            f"The whole session falls within working hours: {hours}, "
            f"{dates.days_words(policy.working_days)} ({policy.time_zone} time)."
        ),
        "duration.max": f"A session lasts at most {policy.max_duration_minutes} minutes.",
        "frequency.weekly": (
            f"A learner has at most {per_week} session{'s' * (per_week != 1)} in a calendar "
            "week (Monday to Sunday)."
        ),
        "attendance.two_staff": "A group session or webinar has at least two members of staff.",
        "attendance.adult_present": (
            f"{at_risk_121}, a parent, carer or named adult is present in the house."
        ),
        "attendance.facilitator_invited": (
            f"{at_risk_121}, a parent, teacher or facilitator is invited and can drop in."
        ),
        "staff.dbs": (
            "Every member of staff taking part has a DBS check made within the last "
            f"{_years(policy.dbs_valid_years)} of the session."
        ),
        "staff.training": (
            "Every member of staff taking part has had safeguarding training within the last "
            f"{_years(policy.training_valid_years)} of the session."
        ),
        "staff.aup": (
            "Every member of staff taking part has signed the acceptable use agreement within "
            f"the last {_years(policy.aup_valid_years)} of the session."
        ),
        "staff.suspended": (
            "No member of staff taking part is suspended from running and joining sessions."
        ),
        "platform.approved": f"The session uses an approved platform: {platforms}.",
        "platform.account": "The session uses an organisation account, never a personal one.",
        "platform.waiting_room": "The waiting room is on: the host admits each person.",
        "platform.passcode": "A passcode is needed to enter.",
        "platform.video": "Host and participant video are on.",
        "platform.screen_share": "Participants cannot share their screen.",
        "platform.rename": "Participants cannot rename themselves.",
        "platform.lock": "The meeting is locked once everyone expected has arrived.",
        "session.risk_assessment": (
            "When the session opens, a risk assessment for it has been made."
        ),
    }


def describe(policy: Policy) -> list[RuleText]:
    """Every rule, in the order of the rule table: its identifier, its clause, and what it
    requires in plain words with this policy's values."""
    sentences = _sentences(policy)
    return [RuleText(info.id, info.clause, sentences[info.id]) for info in CATALOGUE]


def describe_approvers(policy: Policy) -> str:
    """Who may approve an exception under ``policy``: "a senior leader or the Designated
    Safeguarding Lead", or "nobody"."""
    words = [APPROVER_WORDS.get(role, role) for role in policy.exception_approvers]
    return _either(words) if words else "nobody"


def describe_outcome(policy: Policy, rule: str) -> str:
    """What happens when ``rule`` is not met under ``policy``, in plain words."""
    outcome = RULES_BY_ID[rule].outcome
    if outcome is Outcome.BLOCK:
        return "Blocks the session."
    if outcome is Outcome.WARN:
        return "Warns."
    if not policy.exception_approvers:
        return "Needs an exception, which nobody may approve under this policy."
    return f"Needs an exception approved by {describe_approvers(policy)}."


def checked_only_at_start(rule: str) -> bool:
    """Whether ``rule`` is checked only when the session opens (otherwise at booking too)."""
    return RULES_BY_ID[rule].start_only
