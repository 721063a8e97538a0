"""Judge a proposal with the organisation's policy: the one place the engine is called."""

from chaperon.policy.engine import evaluate
from chaperon.policy.engine.plan import parse_plan
from chaperon.policy.engine.verdict import Verdict

from .plans import PlanFacts, Proposal, build_plan


def judge(proposal: Proposal, *, stage: str = "book", facts: PlanFacts | None = None) -> Verdict:
    facts = facts or PlanFacts()
    plan = parse_plan(build_plan(proposal, stage=stage, facts=facts))
    return evaluate(facts.policy(proposal.organisation), plan)
