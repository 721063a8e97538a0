"""The rules by their stable identifiers: the clause each puts into practice, what failing it
means, and whether it is checked only when the session opens (``policies/CLAUSES.md``)."""

from dataclasses import dataclass

from .verdict import Outcome


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    clause: str
    outcome: Outcome  # when the rule fails
    start_only: bool = False  # checked only at stage "start"; the others at both stages


BLOCK, NEEDS_EXCEPTION, WARN = Outcome.BLOCK, Outcome.NEEDS_EXCEPTION, Outcome.WARN

# In the order findings are reported.
CATALOGUE: tuple[RuleInfo, ...] = (
    RuleInfo("consent.participation", "SES-9", BLOCK),
    RuleInfo("consent.parent_information", "SES-8", BLOCK),
    RuleInfo("consent.recording", "REC-4", BLOCK),
    RuleInfo("recording.purpose", "REC-1", BLOCK),
    RuleInfo("recording.comfort_check", "REC-6", BLOCK, start_only=True),
    RuleInfo("time.agreed_slot", "SES-1", BLOCK),
    RuleInfo("time.working_hours", "SES-2", NEEDS_EXCEPTION),
    RuleInfo("duration.max", "SES-3", NEEDS_EXCEPTION),
    RuleInfo("frequency.weekly", "SES-2", NEEDS_EXCEPTION),
    RuleInfo("attendance.two_staff", "SES-4", BLOCK),
    RuleInfo("attendance.adult_present", "SES-5", BLOCK),
    RuleInfo("attendance.facilitator_invited", "SES-5", WARN),
    RuleInfo("staff.dbs", "SES-10", BLOCK),
    RuleInfo("staff.training", "SES-10", BLOCK),
    RuleInfo("staff.aup", "SES-10", BLOCK),
    RuleInfo("staff.suspended", "SES-10", BLOCK),
    RuleInfo("platform.approved", "SES-11", BLOCK),
    RuleInfo("platform.account", "SES-11", BLOCK),
    RuleInfo("platform.waiting_room", "ROOM-1", BLOCK),
    RuleInfo("platform.passcode", "ROOM-2", BLOCK),
    RuleInfo("platform.video", "ROOM-3", BLOCK),
    RuleInfo("platform.screen_share", "ROOM-4", BLOCK),
    RuleInfo("platform.rename", "ROOM-5", BLOCK),
    RuleInfo("platform.lock", "ROOM-6", BLOCK),
    RuleInfo("session.risk_assessment", "SES-13", BLOCK, start_only=True),
)

RULES_BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in CATALOGUE}
RULE_IDS: frozenset[str] = frozenset(RULES_BY_ID)
