"""The policy as the rows of its page (``policy/policy.html``): each rule in plain words, with
its clause, its outcome and who may approve an exception. No Django: the page's view is in the
policy app around the engine (``chaperon/policy/views.py``)."""

from dataclasses import dataclass

from .catalogue import RULES_BY_ID
from .describe import checked_only_at_start, describe, describe_approvers
from .document import Policy
from .verdict import Outcome

# Each outcome's short label, and the status style it shares with the compliance pages.
OUTCOME_LABELS = {
    Outcome.BLOCK: ("Blocks", "status--expired"),
    Outcome.NEEDS_EXCEPTION: ("Needs an exception", "status--expiring"),
    Outcome.WARN: ("Warns", "status--current"),
}


@dataclass(frozen=True)
class RuleRow:
    rule: str
    clause: str
    sentence: str
    label: str
    style: str
    approval: str  # who may approve an exception, in a sentence; "" for rules none can lift


def rule_rows(policy: Policy, *, at_start_only: bool) -> list[RuleRow]:
    """The rules checked at booking (and again at the start), or only at the start, as the
    rows of ``policy/policy.html``."""
    rows = []
    for text in describe(policy):
        if checked_only_at_start(text.rule) != at_start_only:
            continue
        outcome = RULES_BY_ID[text.rule].outcome
        label, style = OUTCOME_LABELS[outcome]
        approval = ""
        if outcome is Outcome.NEEDS_EXCEPTION:
            approval = f"Approved by {describe_approvers(policy)}."
        rows.append(RuleRow(text.rule, text.clause, text.sentence, label, style, approval))
    return rows
