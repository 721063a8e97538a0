"""Shared by the concern tests: an organisation whose hours we choose, a raised concern, the
text of a PDF."""

import re
import zlib
from datetime import time
from typing import Any

from chaperon.concerns import services
from chaperon.concerns.checklist import Answers, Illegal, NudeSharing, RiskToUser
from chaperon.concerns.models import Concern
from chaperon.people.models import Organisation

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def stored_files() -> set[str]:
    """Every file under concerns/ in the default storage (kept in memory by the tests)."""
    from django.core.files.storage import default_storage

    found: set[str] = set()
    pending = ["concerns"]
    while pending:
        folder = pending.pop()
        if not default_storage.exists(folder):
            continue
        folders, files = default_storage.listdir(folder)
        found |= {f"{folder}/{name}" for name in files}
        pending += [f"{folder}/{name}" for name in folders]
    return found


def always_in_hours(organisation: Organisation) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(
        working_days="1234567", working_hours_start=time(0, 0), working_hours_end=time(23, 59, 59)
    )
    organisation.refresh_from_db()


def never_in_hours(organisation: Organisation) -> None:
    """Working hours of one minute at midnight: any test run is out of hours."""
    Organisation.objects.filter(pk=organisation.pk).update(
        working_days="1", working_hours_start=time(0, 0), working_hours_end=time(0, 1)
    )
    organisation.refresh_from_db()


def public_concern(organisation: Organisation, **fields: Any) -> Concern:
    arguments: dict[str, Any] = {
        "actor": None,
        "organisation": organisation,
        "description": "Someone in an online game keeps asking my son for photos.",
        "reporter_name": "Pat Meadow",
        "reporter_relation": "parent",
        "reporter_contact": "pat@home.example",
        "category": "contact",
        "types": ["grooming"],
    }
    arguments.update(fields)
    return services.concern_raise(**arguments)


def immediate_risk() -> Answers:
    return Answers(
        illegal=Illegal.YES,
        immediate_risk=True,
        risk_to_user=RiskToUser.SIGNIFICANT,
        nude_sharing=NudeSharing.NOT_INVOLVED,
    )


def pdf_text(content: bytes) -> str:
    """The text drawn on the pages of a PDF made by fpdf2, in drawing order.

    fpdf2 writes each stream as "stream\\n", the data, "\\nendstream": the data itself may end
    with a carriage return (compressed bytes are any bytes), which must stay with the data."""
    streams = re.findall(rb"stream\r?\n(.*?)\nendstream", content, re.DOTALL)
    shown: list[str] = []
    for stream in streams:
        try:
            data = zlib.decompressobj().decompress(stream)
        except zlib.error:
            data = stream
        for match in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data):
            raw = re.sub(rb"\\(.)", rb"\1", match.group(1))
            shown.append(raw.decode("latin-1"))
    return "\n".join(shown)
