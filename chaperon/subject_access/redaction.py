"""Taking withheld third parties out of what is released (UK GDPR article 15(4); DPA 2018
Sch 2 para 16). Pure: no Django.

Each withheld person is replaced, wherever they appear in any text (names, addresses, free
text), by what stands for them: "[withheld: <exemption>]". Their full name is matched however
it is spaced and in any case, as are their other names (an address, how the audit log labels
them), and each word of their name of three letters or more on its own ("Sky" in "Sky said
..."), except a word the subject's own name shares (a brother's surname is the subject's
too, and the subject is never redacted out of their own export). Matches are whole words, and
the longest is taken first, in one pass, so that a replacement is never itself matched."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SHORTEST_PART = 3


@dataclass(frozen=True)
class Withheld:
    name: str
    aliases: tuple[str, ...]
    replacement: str


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"\W+", text.casefold()) if word]


def _pattern(term: str) -> str:
    words = term.split()
    return r"\s+".join(re.escape(word) for word in words)


class Redactor:
    def __init__(self, withheld: Iterable[Withheld], *, subject_name: str) -> None:
        kept = set(_words(subject_name))
        self.replacements: dict[str, str] = {}
        for person in withheld:
            terms = {person.name, *person.aliases}
            terms |= {
                word
                for word in _words(person.name)
                if len(word) >= SHORTEST_PART and word not in kept
            }
            for term in terms:
                key = " ".join(term.casefold().split())
                if key and key not in kept_phrase(subject_name):
                    self.replacements.setdefault(key, person.replacement)
        ordered = sorted(self.replacements, key=len, reverse=True)
        self.regex = (
            re.compile(
                "|".join(rf"(?<!\w){_pattern(term)}(?!\w)" for term in ordered), re.IGNORECASE
            )
            if ordered
            else None
        )

    def text(self, value: str) -> str:
        if self.regex is None:
            return value
        return self.regex.sub(
            lambda match: self.replacements[" ".join(match.group(0).casefold().split())], value
        )

    def data(self, value: Any) -> Any:
        """``value`` (JSON-able: dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(each) for each in value]
        if isinstance(value, dict):
            return {key: self.data(each) for key, each in value.items()}
        return value


def kept_phrase(subject_name: str) -> set[str]:
    """The subject's own name, which is never redacted."""
    return {" ".join(subject_name.casefold().split())}
