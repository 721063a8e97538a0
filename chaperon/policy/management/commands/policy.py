"""``chaperon policy check PLAN.json [--policy POLICY.yaml]``: judge a planned session.

Prints the verdict as JSON on standard output and exits 0 (allow), 3 (needs an exception) or 4
(blocked); exits 2 with one line on standard error naming the field, and nothing on standard
output, when the plan or the policy is invalid.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chaperon.policy.engine import (
    Decision,
    InvalidInput,
    InvalidPlan,
    default_policy,
    evaluate,
    load_policy,
    plan_from_json,
)

EXIT_INVALID = 2
EXIT_STATUS = {Decision.ALLOW: 0, Decision.NEEDS_EXCEPTION: 3, Decision.BLOCK: 4}


class Command(BaseCommand):
    help = "Check planned sessions against the session policy."
    # Judging a plan reads no database and no settings beyond these: no system checks to run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        check = subcommands.add_parser(
            "check",
            help=(
                "Judge the plan in PLAN.json. Prints the verdict as JSON; exits 0 allow, "
                "3 needs an exception, 4 blocked, 2 invalid plan or policy."
            ),
        )
        check.add_argument("plan", metavar="PLAN.json", help="the plan; '-' reads standard input")
        check.add_argument(
            "--policy",
            metavar="POLICY.yaml",
            help="the policy file to judge by (default: the built-in default policy)",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "check":
            self.check_plan(options["plan"], options["policy"])

    def check_plan(self, plan_path: str, policy_path: str | None) -> None:
        try:
            policy = default_policy() if policy_path is None else load_policy(policy_path)
            plan = plan_from_json(_read_plan(plan_path))
        except InvalidInput as invalid:
            self.stderr.write(str(invalid).replace("\n", " "))
            raise SystemExit(EXIT_INVALID) from None
        verdict = evaluate(policy, plan)
        self.stdout.write(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
        status = EXIT_STATUS[verdict.decision]
        if status:
            self.stdout.flush()
            raise SystemExit(status)


def _read_plan(path: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise InvalidPlan("plan", f"cannot read {path}: {error.strerror or error}") from None
