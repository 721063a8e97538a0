"""The policy engine: pure Python, no Django, no I/O apart from ``load_policy`` and
``default_policy`` reading a file, and nothing from Chaperon outside this package but
``chaperon.core.pure``.

    from chaperon.policy.engine import default_policy, evaluate, parse_plan
    verdict = evaluate(default_policy(), parse_plan(data))
"""

from .catalogue import RULES, Rule
from .describe import RuleText, describe, describe_outcome
from .document import Policy, default_policy, load_policy, parse_policy, policy_from_yaml
from .errors import InvalidInput, InvalidPlan, InvalidPolicy
from .evaluation import evaluate
from .plan import Plan, parse_plan, plan_from_json
from .verdict import Decision, Finding, Outcome, Verdict

__all__ = [
    "RULES",
    "Decision",
    "Finding",
    "InvalidInput",
    "InvalidPlan",
    "InvalidPolicy",
    "Outcome",
    "Plan",
    "Policy",
    "Rule",
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
