"""The board report's charts, drawn on the server with matplotlib (its Agg backend: no display,
nothing fetched) as PNG images. Each chart has a text alternative, and the page and the PDF
give the same figures in a table beside it."""

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from chaperon.concerns.models import FourCs

from .board import BoardFigures

# Colours told apart by people with the common colour vision deficiencies (Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    alt: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _bars(
    title: str, labels: list[str], series: list[tuple[str, list[float]]], *, ylabel: str
) -> bytes:
    figure = Figure(figsize=(7, 3.2))
    axes = figure.add_subplot()
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        positions = [x + (index - (len(series) - 1) / 2) * width for x in range(len(labels))]
        axes.bar(positions, values, width, label=name, color=PALETTE[index % len(PALETTE)])
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend(loc="upper left", fontsize="small", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)


def board_charts(figures: BoardFigures) -> list[Chart]:
    labels = [q.period.short for q in figures.quarters]
    categories = [
        (
            str(label).split(":")[0],
            [float(q.concerns.by_category.get(value, 0)) for q in figures.quarters],
        )
        for value, label in FourCs.choices
    ]
    activity = [
        ("Sessions", [float(q.sessions.held) for q in figures.quarters]),
        ("Flagged", [float(q.sessions.flagged) for q in figures.quarters]),
        ("Exceptions approved", [float(q.exceptions_approved) for q in figures.quarters]),
    ]
    compliance = [
        ("Staff checks current", [float(q.staff_percent or 0) for q in figures.quarters]),
        ("Consent answered", [float(q.consent_percent or 0) for q in figures.quarters]),
        ("Recordings on time", [float(q.recordings_percent or 0) for q in figures.quarters]),
    ]
    span = f"{labels[0]} to {labels[-1]}"
    return [
        Chart(
            "concerns",
            "Concerns raised by category",
            f"Bar chart of the concerns raised in each quarter from {span}, by category; "
            "the table beside it gives the same figures.",
            _bars("Concerns raised by category", labels, categories, ylabel="concerns"),
        ),
        Chart(
            "sessions",
            "Sessions and exceptions",
            f"Bar chart of the sessions, those flagged and the exceptions approved in each "
            f"quarter from {span}; the table beside it gives the same figures.",
            _bars("Sessions and exceptions", labels, activity, ylabel="number"),
        ),
        Chart(
            "compliance",
            "Compliance (%)",
            f"Bar chart of the percentage of staff with every check current, of consent "
            f"requests answered and of recordings destroyed on time, in each quarter from "
            f"{span}; the table beside it gives the same figures.",
            _bars("Compliance (%)", labels, compliance, ylabel="%"),
        ),
    ]
