"""The chronology PDF breaks its own lines: no line wider than the page, no word lost, line
breaks kept, a word longer than a line cut rather than run off the page."""

from fpdf import FPDF

from chaperon.concerns.pdf import wrapped

WIDTH = 60.0


def _measure() -> dict[str, float]:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    return {chr(code): pdf.get_string_width(chr(code)) for code in range(256)}


def _width(text: str, measure: dict[str, float]) -> float:
    return sum(measure[char] for char in text)


def test_lines_fit_and_keep_every_word() -> None:
    measure = _measure()
    text = "The learner said an older pupil had been messaging them late at night. " * 6
    lines = wrapped(text.strip(), WIDTH, measure)
    assert len(lines) > 6
    assert all(_width(line, measure) <= WIDTH for line in lines)
    assert " ".join(lines).split() == text.split()


def test_line_breaks_in_the_text_are_kept() -> None:
    assert wrapped("first\nsecond", WIDTH, _measure()) == ["first", "second"]
    assert wrapped("first\r\nsecond\rthird", WIDTH, _measure()) == ["first", "second", "third"]
    assert wrapped("", WIDTH, _measure()) == [""]


def test_a_word_wider_than_the_line_is_cut() -> None:
    measure = _measure()
    word = "x" * 200
    lines = wrapped(f"see {word} end", WIDTH, measure)
    assert lines[0] == "see"
    assert "".join(lines[1:-1]) + lines[-1].removesuffix(" end") == word
    assert lines[-1].endswith(" end")
    assert all(_width(line, measure) <= WIDTH for line in lines)
