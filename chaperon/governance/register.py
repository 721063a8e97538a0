"""The register of personal information (ORG-7), for one organisation: the declarations the
apps make next to their data (``core.processing``), with how long each is kept worked out from
the organisation's settings and who sees it from its roles. It names kinds of information and
roles, never a person."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chaperon.consent.models import Purpose
from chaperon.core.processing import About, Processing, registered, worked_out
from chaperon.people.models import Organisation
from chaperon.people.permissions import roles_holding
from chaperon.people.roles import Permission, Role


@dataclass(frozen=True)
class RegisterRow:
    model_label: str
    what: str
    about_whom: list[str]
    purpose: str
    lawful_basis: str
    retention: str
    who_sees: list[str]
    special_category: bool
    images: bool
    consent_needed: str  # the consent purpose images of people are used under, or ""


@dataclass(frozen=True)
class RegisterGroup:
    about: About
    heading: str
    rows: list[RegisterRow]


def _who(who: str | Callable[[Any], str], organisation: Organisation) -> str:
    if callable(who):
        return who(organisation)
    roles = roles_holding(organisation.pk, Permission(who))
    names = [role.label for role in Role if role in roles]
    return ", ".join(names) if names else "nobody, as the organisation has chosen"


def _row(entry: Processing, organisation: Organisation) -> RegisterRow:
    return RegisterRow(
        model_label=entry.model_label,
        what=entry.what,
        about_whom=[about.label for about in entry.about_whom],
        purpose=entry.purpose,
        lawful_basis=entry.lawful_basis,
        retention=worked_out(entry.retention, organisation),
        who_sees=[_who(who, organisation) for who in entry.who_sees],
        special_category=entry.special_category,
        images=entry.images,
        consent_needed=Purpose(entry.consent_purpose).label if entry.consent_purpose else "",
    )


def register_rows(organisation: Organisation) -> list[RegisterRow]:
    return [_row(entry, organisation) for entry in registered()]


def register_groups(organisation: Organisation) -> list[RegisterGroup]:
    """The register grouped by whom it is about; an entry about several groups is in each."""
    rows = register_rows(organisation)
    return [
        RegisterGroup(about, about.label, [row for row in rows if about.label in row.about_whom])
        for about in About
    ]


COLUMNS = (
    "model",
    "what",
    "about whom",
    "purpose",
    "lawful basis",
    "special category",
    "images of people",
    "consent needed",
    "retention",
    "who sees it",
)


def register_csv(organisation: Organisation) -> str:
    """The same table as the page, one row per declaration."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in register_rows(organisation):
        writer.writerow(
            [
                row.model_label,
                row.what,
                "; ".join(row.about_whom),
                row.purpose,
                row.lawful_basis,
                "yes" if row.special_category else "no",
                "yes" if row.images else "no",
                row.consent_needed,
                row.retention,
                "; ".join(row.who_sees),
            ]
        )
    return out.getvalue()
