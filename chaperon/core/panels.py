"""Dashboard panels: apps above people add what each user should see first, in ``ready()``.

A panel's ``context`` returns the template's context for that user, or None to show nothing.
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
