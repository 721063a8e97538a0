"""The board's quarterly report as a PDF, with fpdf2's core fonts (nothing bundled, nothing
fetched) and the charts as PNG images: the same content as the page (ORG-6)."""

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from chaperon.core.pdf import latin1

from .board import BoardFigures
from .charts import Chart
from .models import BoardReport


def board_report_pdf(
    figures: BoardFigures, charts: Sequence[Chart], report: BoardReport | None
) -> bytes:
    organisation = figures.organisation
    quarter = figures.quarter
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"Online safety report to the board, {quarter.label}"))
    pdf.set_author(latin1(organisation.name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, style: str = "", size: int = 10, height: float = 5.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str) -> None:
        pdf.ln(3)
        line(text, style="B", size=12, height=7)

    def table(header: Sequence[str], rows: Sequence[Sequence[str]], first: float = 0.4) -> None:
        columns = len(header)
        widths = [width * first] + [width * (1 - first) / (columns - 1)] * (columns - 1)
        pdf.set_font("Helvetica", "B", 8)
        for cell, cell_width in zip(header, widths, strict=True):
            pdf.cell(cell_width, 5, latin1(cell), border=1)
        pdf.ln(5)
        pdf.set_font("Helvetica", "", 8)
        for row in rows:
            for cell, cell_width in zip(row, widths, strict=True):
                pdf.cell(cell_width, 5, latin1(cell)[:70], border=1)
            pdf.ln(5)

    line("Online safety report to the board", style="B", size=16, height=9)
    line(f"{organisation.name}: {quarter.label}", size=11, height=7)
    if figures.current.partial:
        line("The quarter has not ended: its figures are so far.", size=9)
    line("No child is named in this report: its figures are counts.", size=9)

    heading("From the Designated Safeguarding Lead")
    line(report.narrative if report and report.narrative else "No narrative has been added.")

    quarters = [q.period.short for q in figures.quarters]
    heading("The quarter against the previous quarters")
    table(["Figure", *quarters], [[row.label, *row.values] for row in figures.rows])
    heading("Concerns by category")
    table(["Category", *quarters], [[row.label, *row.values] for row in figures.category_rows])
    heading("Concerns by where they stand now")
    table(["Outcome", *quarters], [[row.label, *row.values] for row in figures.status_rows])

    for chart in charts:
        heading(chart.title)
        line(chart.alt, size=8, height=4.5)
        pdf.image(io.BytesIO(chart.png), w=width)

    heading("Exceptions to the session policy granted")
    if figures.granted:
        table(
            ["Approved on", "By", "In the role of", "Asked by", "Session", "Rules"],
            [
                [
                    granted.decided_at.astimezone(organisation.zone).strftime("%d %b %Y"),
                    granted.decided_by,
                    granted.decided_role,
                    granted.requested_by,
                    granted.session_kind,
                    ", ".join(granted.covers),
                ]
                for granted in figures.granted
            ],
            first=0.14,
        )
    else:
        line("None in the quarter.")

    heading("Overdue actions")
    if figures.overdue_steps:
        table(
            ["Owner", "Steps of concerns overdue"], [[n, str(c)] for n, c in figures.overdue_steps]
        )
    else:
        line("No step of a concern is overdue.")
    filtering = figures.filtering
    if filtering.check_overdue:
        line("The filtering reports are overdue their termly check.")
    if filtering.review_overdue:
        line("The filtering and monitoring are overdue their yearly review.")

    heading("Compliance gaps by team (site)")
    table(
        ["Team", "Staff", "DBS lapsed", "Training lapsed", "AUP not current"],
        [[g.site, str(g.staff), str(g.dbs), str(g.training), str(g.aup)] for g in figures.gaps],
    )
    return bytes(pdf.output())
