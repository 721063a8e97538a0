"""Panels: apps above people add what each user should see first on the dashboard, and
sections of their own to a lower app's record page (a session's meeting record), in
``ready()``.

A panel's ``context`` returns the template's context for that user (and record), or None to
show nothing. The template is included with that context as ``panel``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register_panel(
    template: str, context: Callable[[Any], dict[str, Any] | None], *, order: int
) -> None:
    _panels[template] = Panel(order, template, context)


def panels_for(user: Any) -> list[ShownPanel]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: panel.order):
        context = panel.context(user)
        if context is not None:
            shown.append(ShownPanel(panel.template, context))
    return shown


@dataclass(frozen=True)
class RecordPanel:
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]  # (the viewer, the record)


_record_panels: dict[str, dict[str, RecordPanel]] = {}


def register_record_panel(
    model_label: str,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
    *,
    order: int,
) -> None:
    """A section of a higher app on one record's page (the meeting record on a session's
    page), shown when ``context(viewer, record)`` is not None."""
    _record_panels.setdefault(model_label, {})[template] = RecordPanel(order, template, context)


def record_panels_for(user: Any, record: Any) -> list[ShownPanel]:
    panels = _record_panels.get(record._meta.label_lower, {}).values()
    shown = []
    for panel in sorted(panels, key=lambda panel: panel.order):
        context = panel.context(user, record)
        if context is not None:
            shown.append(ShownPanel(panel.template, context))
    return shown
