"""Chat screening (ORG-5, INC-1): each chat message of a live room is screened as it is sent,
on the server, for bullying, sexual content, self harm, grooming signs, violence, extremism
and discrimination. ``screen(text)`` gives a grade from 1 (nothing found) to 5 and what was
found, by category, with the words that matched.

Plain Python, no Django and nothing else of Chaperon (an import-linter contract holds it to
that), so that the rooms, the bench and the tests call the same function. Two sources: the
rules (``rules``, on text normalised against spelling tricks by ``normalise``) and a model of
abusive language that ships inside a package (``model``). docs/rooms.md says what each grade
leads to.
"""

import re
from dataclasses import dataclass
from typing import Any

from . import model
from .normalise import normalise
from .rules import (
    BULLYING,
    CATEGORIES,
    CATEGORY_WORDS,
    DISCRIMINATION,
    EXTREMISM,
    GROOMING,
    GROUPS,
    RULES,
    SELF_HARM,
    SEXUAL,
    VIOLENCE,
)

# At this grade and above a message is held back from the room (docs/rooms.md).
HOLD_GRADE = 4
# The model's probability from which words count as abusive.
ABUSIVE = 0.8
_AIMED = re.compile(r"\b(?:you|u|ur|your|youre|you're|ya|yu|he|she|they|his|her)\b")
_GROUP = re.compile(r"\b" + GROUPS + r"\b")

__all__ = [
    "BULLYING",
    "CATEGORIES",
    "CATEGORY_WORDS",
    "DISCRIMINATION",
    "EXTREMISM",
    "GROOMING",
    "HOLD_GRADE",
    "SELF_HARM",
    "SEXUAL",
    "VIOLENCE",
    "Hit",
    "Screening",
    "described",
    "normalise",
    "screen",
]


@dataclass(frozen=True)
class Hit:
    """One category found: its grade, why (``label``), and the words that matched."""

    category: str
    grade: int
    label: str
    matched: str


@dataclass(frozen=True)
class Screening:
    grade: int
    categories: tuple[Hit, ...]

    @property
    def held(self) -> bool:
        return self.grade >= HOLD_GRADE

    def as_data(self) -> dict[str, Any]:
        """What the room log keeps (JSON)."""
        return {
            "grade": self.grade,
            "categories": [
                {"category": h.category, "grade": h.grade, "label": h.label, "matched": h.matched}
                for h in self.categories
            ],
        }


def described(data: dict[str, Any]) -> str:
    """A screening as ``Screening.as_data`` keeps it, in words: "grade 4: grooming signs (asks
    for secrecy: "dont tell anyone")"; empty for grade 1."""
    grade = data.get("grade")
    hits = data.get("categories")
    if not isinstance(grade, int) or grade < 2 or not isinstance(hits, list):
        return ""
    found = "; ".join(
        f"{CATEGORY_WORDS.get(str(hit.get('category')), '?')} "
        f'({hit.get("label")}: "{hit.get("matched")}")'
        for hit in hits
        if isinstance(hit, dict)
    )
    return f"screened grade {grade} of 5: {found}"


def screen(text: str, *, use_model: bool = True) -> Screening:
    """Screen one chat message. ``use_model`` False leaves the model out (the bench compares
    the two)."""
    words = normalise(text)
    found: dict[str, list[Hit]] = {}
    for rule in RULES:
        match = rule.pattern.search(words)
        if match is not None:
            hit = Hit(rule.category, rule.grade, rule.label, match.group(0).strip())
            found.setdefault(rule.category, []).append(hit)
    best = {category: max(hits, key=lambda hit: hit.grade) for category, hits in found.items()}
    _combine(best, found)
    if use_model:
        _weigh(best, words, model.abusive(words))
    hits = tuple(
        sorted(best.values(), key=lambda hit: (-hit.grade, CATEGORIES.index(hit.category)))
    )
    return Screening(grade=max((hit.grade for hit in hits), default=1), categories=hits)


def _raise(hit: Hit, grade: int, label: str) -> Hit:
    return Hit(hit.category, max(hit.grade, grade), label, hit.matched)


def _combine(best: dict[str, Hit], found: dict[str, list[Hit]]) -> None:
    """Signs that together say more than each alone: two kinds of grooming sign (details and
    secrecy, a private channel and a meeting), or one with sexual talk; two kinds of bullying
    (an insult and being shut out)."""
    grooming = {hit.label for hit in found.get(GROOMING, []) if hit.grade >= HOLD_GRADE}
    if len(grooming) >= 2:
        best[GROOMING] = _raise(best[GROOMING], 5, " and ".join(sorted(grooming)))
    if grooming and SEXUAL in best and best[SEXUAL].grade >= 3:
        best[GROOMING] = _raise(best[GROOMING], 5, best[GROOMING].label + ", with sexual talk")
    bullying = {hit.label for hit in found.get(BULLYING, [])}
    if len(bullying) >= 2:
        best[BULLYING] = _raise(best[BULLYING], 4, " and ".join(sorted(bullying)))


def _weigh(best: dict[str, Hit], words: str, abusive: float) -> None:
    """The model's signal, where the rules found nothing of the kind: abusive words about a
    group are discrimination, aimed at someone bullying, otherwise rude words."""
    if abusive < ABUSIVE:
        return
    score = f"model {abusive:.2f}"
    group = _GROUP.search(words)
    if group is not None and DISCRIMINATION not in best:
        best[DISCRIMINATION] = Hit(
            DISCRIMINATION, 4, f"abusive words about a group ({score})", group.group(0)
        )
    elif not best:
        aimed = _AIMED.search(words) is not None
        label = "abusive words aimed at someone" if aimed else "rude or abusive words"
        best[BULLYING] = Hit(BULLYING, 3 if aimed else 2, f"{label} ({score})", words[:80])
