"""The released export: a zip of ``index.html`` (one self-contained, accessible page: no
script, no external asset) and ``data.json`` (the same, machine-readable), made from what was
gathered with every withheld third party replaced. The same request and decisions always make
the same bytes: entries in a fixed order with a fixed time, JSON with sorted keys."""

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from .exemptions import Exemption, withheld_text
from .redaction import Redactor, Withheld

FORMAT = "chaperon-subject-access/1"


@dataclass(frozen=True)
class Export:
    content: bytes
    sha256: str


@dataclass(frozen=True)
class Decided:
    name: str
    aliases: tuple[str, ...]
    decision: str
    exemption: str


def export_data(
    *,
    gathered: dict[str, Any],
    decided: list[Decided],
    organisation: str,
    received_on: date,
    due_on: date,
    released_on: date,
) -> dict[str, Any]:
    """What the export says, redacted: data.json is this, index.html shows it."""
    withheld = [each for each in decided if each.decision == "withhold"]
    redactor = Redactor(
        [Withheld(each.name, each.aliases, withheld_text(each.exemption)) for each in withheld],
        subject_name=gathered["subject"]["name"],
    )
    counts = Counter(each.exemption for each in withheld)
    return {
        "format": FORMAT,
        "organisation": organisation,
        "subject": gathered["subject"],
        "request": {
            "received_on": received_on.isoformat(),
            "due_on": due_on.isoformat(),
            "released_on": released_on.isoformat(),
        },
        "sections": redactor.data(gathered["sections"]),
        "withheld": [
            {"exemption": Exemption(exemption).label, "people": counts[exemption]}
            for exemption in sorted(counts)
        ],
    }


def _entry(archive: zipfile.ZipFile, name: str, content: bytes, on: date) -> None:
    info = zipfile.ZipInfo(name, date_time=(on.year, on.month, on.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)


def build_export(data: dict[str, Any]) -> Export:
    released_on = date.fromisoformat(data["request"]["released_on"])
    page = render_to_string("subject_access/export_index.html", {"export": data})
    machine = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _entry(archive, "index.html", page.encode(), released_on)
        _entry(archive, "data.json", machine.encode(), released_on)
    content = buffer.getvalue()
    return Export(content=content, sha256=hashlib.sha256(content).hexdigest())
