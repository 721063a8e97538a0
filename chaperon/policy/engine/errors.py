"""Refused input: every message names the field it is about and says how to put it right."""


class InvalidInput(ValueError):
    """``field`` is the path of the refused value (``session.start``, ``learners[0].consent``,
    ``max_duration_minutes``), or the document's own name (``plan``, ``policy``) when the
    whole document is refused."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class InvalidPlan(InvalidInput):
    """The plan cannot be judged as it is."""


class InvalidPolicy(InvalidInput):
    """The policy document cannot be used as it is."""
