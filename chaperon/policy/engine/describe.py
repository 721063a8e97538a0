"""The policy in plain words, rule by rule, with the clause each comes from: for the policy
page, and for anyone who wants to read what a policy file means without reading the code. Each
rule's own words are in its record (``catalogue.py``)."""

from typing import NamedTuple

from .catalogue import RULES, RULES_BY_ID
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


def _either(words: list[str]) -> str:
    if len(words) <= 2:
        return " or ".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def describe(policy: Policy) -> list[RuleText]:
    """Every rule, in the order of the rule table: its identifier, its clause, and what it
    requires in plain words with this policy's values."""
    return [RuleText(rule.id, rule.clause, rule.wording(policy)) for rule in RULES]


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
