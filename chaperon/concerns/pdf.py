"""The chronology as a PDF, with fpdf2's core fonts (nothing bundled, nothing fetched).

Core fonts hold Latin-1 only: typographic punctuation is put into its plain form, and any
other character outside Latin-1 becomes "?", so no text can stop the export.
"""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .chronology import Chronology

_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "*",
    }
)


def latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


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
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, style: str = "", size: int = 10, height: float = 5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

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
