"""Redaction of withheld third parties, on its own: names however spaced and in any case,
addresses, first names alone in free text, never the subject's own name."""

import pytest

from chaperon.subject_access.redaction import Redactor, Withheld

pytestmark = [pytest.mark.clause("ORG-7")]

OUT = "[withheld: Third party's personal data (DPA 2018 Sch 2 para 16)]"


def _redactor(*people: Withheld) -> Redactor:
    return Redactor(people, subject_name="Robin Alder")


def test_a_withheld_name_is_replaced_however_it_is_written() -> None:
    redact = _redactor(Withheld("Sky Alder", ("sky.alder@pupils.example",), OUT))
    text = "SKY   alder wrote from sky.alder@pupils.example; Sky said hello."
    assert redact.text(text) == f"{OUT} wrote from {OUT}; {OUT} said hello."


def test_the_subjects_own_name_and_a_shared_surname_are_kept() -> None:
    redact = _redactor(Withheld("Sky Alder", (), OUT))
    assert redact.text("Robin Alder and Sky Alder") == f"Robin Alder and {OUT}"
    assert redact.text("The Alder family") == "The Alder family"


def test_only_whole_words_are_replaced() -> None:
    redact = _redactor(Withheld("Sky Alder", (), OUT))
    assert redact.text("Skye looked at the skyline") == "Skye looked at the skyline"


def test_a_replacement_is_never_itself_redacted() -> None:
    # "Third" and "party" are words of the withheld person's name and of the replacement.
    redact = _redactor(Withheld("Third Party", (), OUT))
    assert redact.text("Third Party came") == f"{OUT} came"


def test_nested_data_is_redacted_and_keys_are_kept() -> None:
    redact = _redactor(Withheld("Pat Meadow", ("pat@home.example",), OUT))
    data = {"items": [{"fields": [["Reported by", "Pat Meadow"], ["Contact", "pat@home.example"]]}]}
    assert redact.data(data) == {"items": [{"fields": [["Reported by", OUT], ["Contact", OUT]]}]}


def test_nobody_withheld_changes_nothing() -> None:
    assert _redactor().text("Sky Alder") == "Sky Alder"
