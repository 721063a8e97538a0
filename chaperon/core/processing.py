"""The register of personal information (ORG-7): each app declares, in its ``ready()``, every
model of its own that holds personal data: what it is, about whom, why, on what lawful basis,
how long it is kept and who may see it. The governance app shows the register for an
organisation; a test holds every model with personal data to a declaration.

Core may import nothing above it, so who sees an entry is given as a permission's value
(``"lead_safeguarding"``, answered by the organisation's roles where it is shown) or as a
callable of the organisation returning a plain label (``said("the person themselves")``), and
retention as text or a callable of the organisation returning text.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class About(StrEnum):
    """Whom the information is about, as the register groups it."""

    STAFF = "staff"
    LEARNERS = "learners"
    GUARDIANS = "guardians"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return ABOUT_LABELS[self]


ABOUT_LABELS: dict[About, str] = {
    About.STAFF: "Staff",
    About.LEARNERS: "Learners",
    About.GUARDIANS: "Parents and carers",
    About.PUBLIC: "Members of the public who report",
}


class Basis(StrEnum):
    """The lawful bases the register names (UK GDPR article 6, and article 9 for special
    category data)."""

    PUBLIC_TASK = "Public task (article 6(1)(e)): the organisation's duty to educate and safeguard"
    LEGAL_OBLIGATION = (
        "Legal obligation (article 6(1)(c)): statutory safeguarding and record-keeping duties"
    )
    CONSENT = "Consent (article 6(1)(a)): written, per purpose, withdrawable at any time"
    CONTRACT = "Contract (article 6(1)(b)): the member of staff's employment"
    LEGITIMATE_INTERESTS = (
        "Legitimate interests (article 6(1)(f)): keeping the service secure and working"
    )
    SAFEGUARDING = (
        "Legal obligation and public task (article 6(1)(c), (e)); special category data under "
        "article 9(2)(g) with the Data Protection Act 2018, Schedule 1, paragraph 18 "
        "(safeguarding of children and of individuals at risk)"
    )


UNTIL_SCHEDULE = "Kept until the retention schedule is in place."

Text = str | Callable[[Any], str]  # a fixed text, or worked out from the organisation


@dataclass(frozen=True)
class Processing:
    model_label: str  # "people.learner"
    what: str
    about_whom: tuple[About, ...]
    purpose: str
    lawful_basis: str
    retention: Text
    who_sees: tuple[Text, ...]  # permission values, or callables of the organisation
    special_category: bool = False
    images: bool = False
    consent_purpose: str = ""  # for images of people: the written consent's purpose they need


_register: dict[str, Processing] = {}


def register_processing(
    model_label: str,
    *,
    what: str,
    about_whom: Iterable[About],
    purpose: str,
    lawful_basis: str,
    retention: Text,
    who_sees: Text | Iterable[Text],
    special_category: bool = False,
    images: bool = False,
    consent_purpose: str = "",
) -> None:
    """Declare that ``model_label`` ("app_label.modelname", any case) holds personal data.
    Images of people name the consent purpose they are used under."""
    if images and not consent_purpose:
        raise ValueError(f"{model_label} holds images of people: name the consent purpose")
    seen = (who_sees,) if isinstance(who_sees, str) or callable(who_sees) else tuple(who_sees)
    label = model_label.lower()
    _register[label] = Processing(
        model_label=label,
        what=what,
        about_whom=tuple(About(about) for about in about_whom),
        purpose=purpose,
        lawful_basis=lawful_basis,
        retention=retention,
        who_sees=seen,
        special_category=special_category,
        images=images,
        consent_purpose=consent_purpose,
    )


def registered() -> list[Processing]:
    """Every declaration, in the order of the model labels."""
    return [_register[label] for label in sorted(_register)]


# How long a kind of record on the retention schedule is kept, for an organisation: installed
# by the retention app, which reads the schedule with the organisation's own periods.
_schedule_reader: list[Callable[[Any, str], str]] = []


def read_schedule_with(reader: Callable[[Any, str], str]) -> None:
    _schedule_reader[:] = [reader]


def scheduled(kind: str) -> Callable[[Any], str]:
    """Retention as the retention schedule says for ``kind`` (a ``core.pure.retention.Kind``),
    worked out for the organisation: the schedule is the one place it is written."""

    def kept_for(organisation: Any) -> str:
        return _schedule_reader[0](organisation, kind) if _schedule_reader else UNTIL_SCHEDULE

    return kept_for


def said(label: str) -> Callable[[Any], str]:
    """Someone who sees the information who is not a permission: "the person themselves"."""
    return lambda organisation: label


def worked_out(text: Text, organisation: Any) -> str:
    return text(organisation) if callable(text) else text
