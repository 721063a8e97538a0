"""What the engine answers: findings, each with its outcome, and the decision they add up to."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    BLOCK = "block"
    NEEDS_EXCEPTION = "needs_exception"
    EXCEPTED = "excepted"  # would need an exception, and a valid one covers it
    WARN = "warn"


class Decision(StrEnum):
    ALLOW = "allow"
    NEEDS_EXCEPTION = "needs_exception"
    BLOCK = "block"


# Worse decisions rank higher: a change that never raises the rank never makes things worse.
DECISION_RANK = {Decision.ALLOW: 0, Decision.NEEDS_EXCEPTION: 1, Decision.BLOCK: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that did not simply pass, for one subject (a learner's or staff member's id) or
    for the whole session (``subject`` is ``None``)."""

    rule: str
    outcome: Outcome
    clause: str
    subject: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "outcome": self.outcome.value,
            "clause": self.clause,
            "subject": self.subject,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    policy: str  # "name@version" of the policy that judged the plan
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, policy: str, findings: tuple[Finding, ...]) -> "Verdict":
        """The decision the findings add up to: any block blocks; otherwise any finding that
        still needs an exception needs one; otherwise (nothing, warnings, excepted) allow."""
        outcomes = {finding.outcome for finding in findings}
        if Outcome.BLOCK in outcomes:
            decision = Decision.BLOCK
        elif Outcome.NEEDS_EXCEPTION in outcomes:
            decision = Decision.NEEDS_EXCEPTION
        else:
            decision = Decision.ALLOW
        return cls(decision, policy, findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "policy": self.policy,
            "findings": [finding.to_dict() for finding in self.findings],
        }
