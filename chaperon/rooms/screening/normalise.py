"""Chat text as the rules read it: lower case, accents and look-alike characters folded,
numbers and symbols used as letters turned back into letters ("s3cr3t"), letters spaced or
dotted apart joined up ("a d d r e s s"), and long runs of one letter cut short ("siiiick")."""

import re
import unicodedata

# Digits and symbols that stand for letters, read as letters only inside a word that also has
# letters ("s3cr3t", "@ddress"), so that "page 4" and "07700 900123" keep their digits.
# A symbol counts as a letter only with more of the word after it, so "hello!" stays as it is.
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)
_LEET_WORD = re.compile(r"(?:[a-z0-9]|[@$!|+](?=[a-z0-9]))+")
# Three or more single letters with one separator between each: "a d d r e s s", "s.e.x".
_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .\-_*,/]){2,}[a-z](?![a-z])")
# "any1", "no1", "some1", "every1": the digit is a word, not a letter.
_ONE = re.compile(r"\b(any|no|some|every)1\b")
_RUN = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")
# Look-alikes a keyboard offers that NFKD does not fold.
_LOOKALIKE = str.maketrans(
    {
        "\u0131": "i",  # dotless i
        "\u0142": "l",  # l with stroke
        "\u00f8": "o",  # o with stroke
        "\u00df": "ss",  # sharp s
        "\u2018": "'",  # curly quotes
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        # Cyrillic letters that look Latin
        "\u0430": "a",
        "\u0435": "e",
        "\u043e": "o",
        "\u0440": "p",
        "\u0441": "c",
        "\u0445": "x",
        "\u0443": "y",
        "\u0456": "i",
    }
)


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    return word.translate(_LEET) if any(char.isalpha() for char in word) else word


def normalise(text: str) -> str:
    """The text to match rules against (see the module's docstring)."""
    text = unicodedata.normalize("NFKD", text.translate(_LOOKALIKE))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = text.translate(_LOOKALIKE)
    text = _ONE.sub(r"\1one", text)
    text = _LEET_WORD.sub(_unleet, text)
    text = _SPACED.sub(lambda match: re.sub(r"[^a-z]", "", match.group(0)), text)
    text = _RUN.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()
