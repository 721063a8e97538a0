"""The chat screener on its own (ORG-5, INC-1): each category found and graded, spelling tricks
folded, ordinary classroom chat left alone, and its recall on the fictional evaluation set
(tests/rooms/screening_eval.jsonl) kept above a floor. No Django: the screener has none."""

import json
from pathlib import Path

import pytest

from chaperon.rooms.screening import (
    BULLYING,
    CATEGORIES,
    DISCRIMINATION,
    EXTREMISM,
    GROOMING,
    HOLD_GRADE,
    SELF_HARM,
    SEXUAL,
    VIOLENCE,
    described,
    normalise,
    screen,
)

pytestmark = [pytest.mark.clause("ORG-5"), pytest.mark.clause("INC-1")]

EVAL = Path(__file__).with_name("screening_eval.jsonl")
# Measured on the evaluation set when the screener was written: recall 0.93 and precision
# 1.00 on the messages graded 4 or 5 (docs/benchmarks.md). The floors leave a margin.
RECALL_FLOOR = 0.88
PRECISION_FLOOR = 0.9


def _items() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text().splitlines() if line.strip()]


def _categories(text: str) -> dict[str, int]:
    return {hit.category: hit.grade for hit in screen(text).categories}


@pytest.mark.parametrize(
    ("text", "category", "grade"),
    [
        ("go kill yourself", BULLYING, 5),
        ("nobody likes you, you're a loser", BULLYING, 4),
        ("ur so ugly", BULLYING, 3),
        ("send me some nudes", SEXUAL, 5),
        ("what are you wearing right now", SEXUAL, 4),
        ("i want to end my life", SELF_HARM, 5),
        ("i've been cutting myself again", SELF_HARM, 4),
        ("what's your home address", GROOMING, 4),
        ("don't tell your parents about this", GROOMING, 4),
        ("add me on snapchat", GROOMING, 4),
        ("meet me in person on saturday", GROOMING, 4),
        ("text me on 07700 900321", GROOMING, 4),
        ("add me on insta and keep it our secret", GROOMING, 5),
        ("i'm going to hurt you", VIOLENCE, 4),
        ("i'll bring a knife to school", VIOLENCE, 5),
        ("heil hitler", EXTREMISM, 4),
        ("what is jihad", EXTREMISM, 3),
        ("refugees are vermin", DISCRIMINATION, 4),
        ("go back to your own country", DISCRIMINATION, 4),
    ],
)
def test_each_category_is_found_at_its_grade(text: str, category: str, grade: int) -> None:
    found = _categories(text)
    assert found.get(category) == grade, found
    screening = screen(text)
    assert screening.grade == max(found.values())
    [hit] = [hit for hit in screening.categories if hit.category == category]
    assert hit.matched and hit.label  # what matched, and why, are kept


@pytest.mark.parametrize(
    "text",
    [
        "my address for the homework is the school website",
        "I killed it in the quiz",
        "can we meet at the library for the group project",
        "this homework is killing me",
        "we are doing sex ed in PSHE next week",
        "in history we studied why hitler rose to power",
        "my cousin is gay and he just got married",
        "what's your answer for number 4",
        "meet you all at the bus stop for the trip, with the teacher",
    ],
)
def test_ordinary_classroom_chat_is_not_held(text: str) -> None:
    screening = screen(text)
    assert screening.grade < HOLD_GRADE and not screening.held, screening


def test_the_grade_threshold_holds_from_four() -> None:
    assert HOLD_GRADE == 4
    assert not screen("ur so ugly").held  # 3: relayed, kept for the report
    assert screen("what's ur address").held  # 4
    assert screen("kys").held  # 5
    clean = screen("can you share the slides again")
    assert clean.grade == 1 and clean.categories == ()


@pytest.mark.parametrize(
    ("tricked", "plain"),
    [
        ("our s3cr3t", "our secret"),
        ("what is ur a d d r e s s", "what is ur address"),
        ("k.y.s", "kys"),
        ("k!ll y0urs3lf", "kill yourself"),
        ("SEND NUUUUDES", "send nudes"),
        ("d\u043en\u2019t t\u0435ll any1", "don't tell anyone"),  # Cyrillic o and e, curly quote
        ("wh@t's ur sn@p", "what's ur snap"),
    ],
)
def test_spelling_tricks_are_folded(tricked: str, plain: str) -> None:
    assert normalise(tricked) == plain
    assert screen(tricked).grade >= HOLD_GRADE


def test_numbers_and_punctuation_of_ordinary_chat_stay_as_they_are() -> None:
    assert normalise("Page 4, question 5!") == "page 4, question 5!"
    assert normalise("I got 9 out of 10") == "i got 9 out of 10"


def test_the_model_adds_abusive_words_the_rules_do_not_list() -> None:
    text = "shut up you dumbass"
    assert screen(text, use_model=False).grade == 1
    with_model = screen(text)
    assert with_model.grade == 3
    assert with_model.categories[0].category == BULLYING
    assert "model" in with_model.categories[0].label


def test_a_screening_is_kept_and_read_back_in_words() -> None:
    data = screen("don't tell anyone, add me on snap").as_data()
    assert data["grade"] == 5
    assert [hit["category"] for hit in data["categories"]] == [GROOMING]
    assert described(data).startswith("screened grade 5 of 5: grooming signs (")
    assert described(screen("hello").as_data()) == ""


def test_the_evaluation_set_is_fictional_and_covers_every_category() -> None:
    items = _items()
    assert len(items) >= 300
    for category in CATEGORIES:
        assert any(category in item["categories"] and item["grade"] >= 4 for item in items)
    assert sum(1 for item in items if item["grade"] == 1) >= 100


def test_recall_and_precision_on_held_messages_stay_above_their_floor() -> None:
    items = _items()
    held = [screen(item["text"]).held for item in items]
    should = [item["grade"] >= HOLD_GRADE for item in items]
    caught = sum(1 for h, s in zip(held, should, strict=True) if h and s)
    recall = caught / sum(should)
    precision = caught / sum(held)
    assert recall >= RECALL_FLOOR, recall
    assert precision >= PRECISION_FLOOR, precision
