"""The board report's charts, drawn on the server with matplotlib (its Agg backend: no display,
nothing fetched) as PNG images. Each chart has a text alternative, and the page and the PDF
give the same figures in a table beside it."""

import base64
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chaperon.concerns.models import FourCs

from .board import BoardFigures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def _figure(**options: Any) -> "Figure":
    """A new figure. matplotlib is imported with the first chart drawn, not as the site starts:
    a process that never draws one (a worker, the scheduler, a server's start) does not pay
    for it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(**options)


def _png(figure: "Figure") -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _bars(
    title: str, labels: list[str], series: list[tuple[str, list[float]]], *, ylabel: str
) -> bytes:
    figure = _figure(figsize=(7, 3.2))
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


def radar_chart(
    labels: list[str], series: list[tuple[str, list[float]]], *, title: str, alt: str
) -> Chart:
    """A radar (spider) chart of levels 1 to 5, one axis per label, one line per series."""
    figure = _figure(figsize=(6, 5))
    axes = figure.add_subplot(projection="polar")
    angles = [2 * math.pi * n / len(labels) for n in range(len(labels))]
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        axes.plot([*angles, angles[0]], [*values, values[0]], color=colour, label=name)
        axes.fill([*angles, angles[0]], [*values, values[0]], color=colour, alpha=0.15)
    axes.set_xticks(angles, [label.replace(" and ", "\nand ") for label in labels], fontsize=8)
    axes.set_ylim(0, 5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_title(title)
    axes.legend(loc="lower right", bbox_to_anchor=(1.25, -0.1), fontsize="small", frameon=False)
    figure.tight_layout()
    return Chart("radar", title, alt, _png(figure))
