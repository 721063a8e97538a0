"""The main navigation: each app adds its pages, with who may see them, in ``ready()``.

Core cannot know the roles of the apps above it, so each entry carries its own test. A page
marks itself current by passing ``nav`` (the entry's key) to its template.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    order: int
    visible: Callable[[Any], bool]


_entries: dict[str, NavEntry] = {}


def register_nav(
    key: str, label: str, url_name: str, *, order: int, visible: Callable[[Any], bool]
) -> None:
    _entries[key] = NavEntry(key, label, url_name, order, visible)


def nav_for(user: Any) -> list[dict[str, str]]:
    return [
        {"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)}
        for entry in sorted(_entries.values(), key=lambda entry: entry.order)
        if entry.visible(user)
    ]


@dataclass(frozen=True)
class RecordLink:
    label: str
    url_name: str  # takes the record's primary key
    visible: Callable[[Any, Any], bool]  # (the viewer, the record)


_record_links: dict[str, list[RecordLink]] = {}


def register_record_link(
    model_label: str, label: str, url_name: str, *, visible: Callable[[Any, Any], bool]
) -> None:
    """A page of a higher app about one record (a learner's consents, a session's live room),
    linked from the record's own page when ``visible(viewer, record)``."""
    _record_links.setdefault(model_label, []).append(RecordLink(label, url_name, visible))


def record_links_for(user: Any, record: Any) -> list[dict[str, str]]:
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[record.pk])}
        for link in _record_links.get(record._meta.label_lower, [])
        if link.visible(user, record)
    ]
