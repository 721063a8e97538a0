"""``evaluate(policy, plan) -> Verdict``: the whole of the session policy as one pure function.

No database, no clock, no files: everything is in the two arguments, so the same plan under the
same policy always gets the same verdict, wherever it is judged.
"""

from .catalogue import RULES, Rule
from .describe import APPROVER_WORDS
from .document import Policy
from .facts import ExceptionApproval, Plan, Stage
from .rules import Context, Failures
from .verdict import Finding, Outcome, Verdict

_BOOKING_RULES = tuple(rule for rule in RULES if not rule.start_only)


def evaluate(policy: Policy, plan: Plan) -> Verdict:
    """Judge ``plan`` against ``policy``. Findings come in the order of the rule table, then
    in the plan's order of learners and staff."""
    context = Context(policy, plan)
    rules = RULES if plan.session.stage == Stage.START else _BOOKING_RULES
    exception = plan.session.exception
    covered: frozenset[str] = frozenset()
    note, excepting = "", False
    if exception is not None:
        covered = exception.covers
        problem = exception_problem(policy, exception)
        note = (
            f" The exception given does not count: {problem}."
            if problem
            else f" An exception approved by {exception.approved_by}, "
            f"{APPROVER_WORDS.get(exception.approved_by_role, exception.approved_by_role)}, "
            "covers it."
        )
        excepting = problem is None
    findings: list[Finding] = []
    for rule in rules:
        failures = rule.check(context)
        if failures:
            if covered and rule.outcome is Outcome.NEEDS_EXCEPTION and rule.id in covered:
                outcome = Outcome.EXCEPTED if excepting else Outcome.NEEDS_EXCEPTION
                findings += _findings(rule, outcome, failures, note)
            else:
                findings += _findings(rule, rule.outcome, failures, "")
    return Verdict.of(policy.label, tuple(findings))


def _findings(rule: Rule, outcome: Outcome, failures: Failures, note: str) -> list[Finding]:
    return [
        Finding(rule.id, outcome, rule.clause, subject, message + note)
        for subject, message in failures
    ]


def exception_problem(policy: Policy, exception: ExceptionApproval) -> str | None:
    """Why ``exception`` does not count under ``policy``, or ``None`` if it does: the approver's
    role must be one of the policy's exception approvers, and the approver and the reason must
    be given."""
    if exception.approved_by_role not in policy.approver_set:
        approvers = ", ".join(policy.exception_approvers) or "nobody"
        return (
            f"the role {exception.approved_by_role or '(none)'} may not approve exceptions "
            f"(approvers: {approvers})"
        )
    if not exception.approved_by.strip():
        return "the approver is not named"
    if not exception.reason.strip():
        return "no reason is given"
    return None
