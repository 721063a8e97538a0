"""The session policy: the engine (pure Python, no Django, no I/O apart from ``load_policy``
and ``default_policy`` reading a file) and, in the Django app around it, the ``chaperon policy
check`` command, the API operation and the policy page.

    from chaperon.policy import default_policy, evaluate, parse_plan
    verdict = evaluate(default_policy(), parse_plan(data))
"""

from .describe import RuleText, describe, describe_outcome
from .document import Policy, default_policy, load_policy, parse_policy, policy_from_yaml
from .engine import evaluate
from .errors import InvalidInput, InvalidPlan, InvalidPolicy
from .plan import Plan, parse_plan, plan_from_json
from .verdict import Decision, Finding, Outcome, Verdict

__all__ = [
    "Decision",
    "Finding",
    "InvalidInput",
    "InvalidPlan",
    "InvalidPolicy",
    "Outcome",
    "Plan",
    "Policy",
    "RuleText",
    "Verdict",
    "default_policy",
    "describe",
    "describe_outcome",
    "evaluate",
    "load_policy",
    "parse_plan",
    "parse_policy",
    "plan_from_json",
    "policy_from_yaml",
]
