"""The chronology as a PDF, with fpdf2's core fonts (nothing bundled, nothing fetched).

Core fonts hold Latin-1 only: typographic punctuation is put into its plain form, and any
other character outside Latin-1 becomes "?", so no text can stop the export.

Text is broken into lines here, one measure per word, and each line is written with ``cell``:
fpdf2's ``multi_cell`` measures the line again for every character it adds, which made a
chronology of 1,000 items take seconds (see docs/benchmarks.md).
"""

from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import CoreFont

from chaperon.core.pdf import latin1

from .chronology import Chronology

__all__ = ["chronology_pdf", "latin1", "wrapped"]


class _ChronologyPDF(FPDF):
    """Every page ends with the confidentiality notice and "page N of M", so a page that is
    printed or passed on alone still says what it is."""

    def __init__(self, notice: str) -> None:
        super().__init__(format="A4")
        self.notice = latin1(notice)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font("Helvetica", "", 8)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width, 4, self.notice, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(width, 4, f"Page {self.page_no()} of {{nb}}", align="C")


def _split_word(word: str, width: float, measure: dict[str, float]) -> list[str]:
    """A word wider than the line, cut where it fills a line."""
    pieces, piece, used = [], "", 0.0
    for char in word:
        char_width = measure.get(char, measure["?"])
        if piece and used + char_width > width:
            pieces.append(piece)
            piece, used = "", 0.0
        piece += char
        used += char_width
    return [*pieces, piece] if piece else pieces


def wrapped(text: str, width: float, measure: dict[str, float]) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at spaces where it can, inside a
    word only where the word alone is wider than a line; line breaks in ``text`` are kept.
    ``measure`` gives each character's width in the current font."""
    space = measure.get(" ", 0.0)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            word_width = sum(measure.get(char, measure["?"]) for char in word)
            if line and used + space + word_width <= width:
                line, used = f"{line} {word}", used + space + word_width
                continue
            if line or used:
                lines.append(line)
            if word_width > width:
                *whole, word = _split_word(word, width, measure) or [""]
                lines.extend(whole)
                word_width = sum(measure.get(char, measure["?"]) for char in word)
            line, used = word, word_width
        lines.append(line)
    return lines


class _Writer:
    """Writes lines of text, measuring each character once per font and size."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.measures: dict[tuple[str, int], dict[str, float]] = {}

    def _measure(self, style: str, size: int) -> dict[str, float]:
        key = (style, size)
        if key not in self.measures:
            # Core fonts keep their widths by character (thousandths of the font size).
            font = cast(CoreFont, self.pdf.current_font)  # set_font has just chosen it
            widths = cast("dict[str, float]", font.cw)
            scale = size / 1000 / self.pdf.k
            self.measures[key] = {chr(code): widths[chr(code)] * scale for code in range(256)}
        return self.measures[key]

    def line(self, text: str, *, style: str = "", size: int = 10, height: float = 5) -> None:
        self.pdf.set_font("Helvetica", style, size)
        for part in wrapped(latin1(text), self.width, self._measure(style, size)):
            self.pdf.cell(self.width, height, part, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def chronology_pdf(chronology: Chronology) -> bytes:
    learner = chronology.learner
    zone = learner.organisation.zone
    pdf = _ChronologyPDF(
        f"Confidential: safeguarding chronology of {learner.full_name}, "
        f"{learner.organisation.name}. Share only with those who need it."
    )
    pdf.set_title(latin1(f"Chronology: {learner.full_name}"))
    pdf.set_author("Chaperon")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    writer = _Writer(pdf)
    line = writer.line
    line(f"Safeguarding chronology: {learner.full_name}", style="B", size=15, height=8)
    line(
        f"{learner.organisation.name}. Born {learner.date_of_birth:%d %B %Y}. "
        f"Made {chronology.made_at.astimezone(zone):%d %B %Y %H:%M} by "
        f"{chronology.made_by.full_name}. Confidential: share only with those who need it.",
        size=9,
    )
    pdf.ln(3)
    if not chronology.items:
        line("Nothing is recorded for this learner.")
    for item in chronology.items:
        when = item.at.astimezone(zone)
        heading = f"{when:%d %b %Y %H:%M}  {item.kind}"
        if item.reference:
            heading += f"  {item.reference}"
        line(heading, style="B", size=10)
        line(item.title)
        if item.detail:
            line(item.detail, size=9)
        if item.reason:
            line(f"Reason: {item.reason}", size=9)
        pdf.ln(2)
    return bytes(pdf.output())
