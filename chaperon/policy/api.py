"""``POST /api/policy/check``: the ``chaperon policy check`` command over the JSON API.

It reads nothing from the database: the plan carries every fact, so any staff member's token
may use it, for a plan of any organisation's making.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from chaperon.core.api_schemas import Input, Text, errors
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.people.permissions import can, viewer_of
from chaperon.people.roles import Permission

from .engine.document import Policy, default_policy, policy_from_yaml
from .engine.errors import InvalidInput, InvalidPlan, InvalidPolicy
from .engine.evaluation import evaluate
from .engine.plan import Plan, parse_plan

router = Router()

MAX_POLICY_CHARACTERS = 65_536


class PolicyCheckIn(Input):
    plan: dict[str, Any] = Field(
        description="The planned session, in the plan format (version 1) of docs/policy.md."
    )
    policy: Text | None = Field(
        None,
        max_length=MAX_POLICY_CHARACTERS,
        description="An organisation's policy as YAML text; the built-in default policy if "
        "left out or null.",
    )


class FindingOut(Schema):
    rule: str = Field(description="The rule's stable identifier, such as duration.max.")
    outcome: Literal["block", "needs_exception", "excepted", "warn"]
    clause: str = Field(description="The policy clause the rule puts into practice.")
    subject: str | None = Field(
        description="The id of the learner or staff member concerned, or null for the session."
    )
    message: str = Field(description="What is wrong, in words to show.")


class VerdictOut(Schema):
    decision: Literal["allow", "needs_exception", "block"]
    policy: str = Field(description="The policy that judged the plan, as name@version.")
    findings: list[FindingOut] = Field(description="Every rule that did not simply pass.")


def _field(document: str, invalid: InvalidInput) -> str:
    """The refused field by its name in the request: ``plan.session.start``."""
    return document if invalid.field == document else f"{document}.{invalid.field}"


@router.post(
    "/policy/check",
    response={200: VerdictOut, **errors(403, 422)},
    summary="Check a planned session against the session policy",
    tags=["policy"],
)
def policy_check(request: HttpRequest, payload: PolicyCheckIn) -> dict[str, Any]:
    """Answers the verdict (`allow`, `needs_exception` or `block`, with the findings) exactly
    as `chaperon policy check` prints it. An invalid plan or policy is answered 422 naming the
    field, such as `plan.session.start`."""
    if not can(viewer_of(request), Permission.READ_POLICY):
        raise PermissionDenied("Your role does not allow this.")
    refused: dict[str, str] = {}
    policy: Policy | None = None
    plan: Plan | None = None
    try:
        policy = default_policy() if payload.policy is None else policy_from_yaml(payload.policy)
    except InvalidPolicy as invalid:
        refused[_field("policy", invalid)] = invalid.problem
    try:
        plan = parse_plan(payload.plan)
    except InvalidPlan as invalid:
        refused[_field("plan", invalid)] = invalid.problem
    if policy is None or plan is None:
        raise ValidationFailed(refused)
    return evaluate(policy, plan).to_dict()
