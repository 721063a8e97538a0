"""The consent facts that cross apps: what consent says about a learner and a purpose on a day,
as the consent app works it out, sessions put it in a plan and the policy engine reads it. The
values are the strings stored and sent (``"given"``, ``"missing"``), so a ``StrEnum``."""

from enum import StrEnum


class ConsentStatus(StrEnum):
    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    MISSING = "missing"  # nothing recorded, or a given consent past its last day


class ParentInformation(StrEnum):
    """Whether a parent has confirmed in writing that they received the parent information."""

    CONFIRMED = "confirmed"
    MISSING = "missing"
