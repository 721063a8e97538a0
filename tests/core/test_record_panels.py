"""Record panels: a higher app adds a section to a lower app's record page (the meeting
record on a session's page) without the lower app knowing it."""

from typing import Any

import pytest

from chaperon.core import panels
from chaperon.people.models import Organisation
from chaperon.sessions.models import Session


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    fresh: dict[str, Any] = {}
    monkeypatch.setattr(panels, "_record_panels", fresh)
    return fresh


def test_panels_are_shown_in_order_for_their_model_only(registry: dict[str, Any]) -> None:
    session = Session(pk=7, title="Careers")
    panels.register_record_panel(
        "live_sessions.session", "b.html", lambda viewer, record: {"n": 2}, order=20
    )
    panels.register_record_panel(
        "live_sessions.session",
        "a.html",
        lambda viewer, record: {"n": 1, "title": record.title, "viewer": viewer},
        order=10,
    )
    panels.register_record_panel("people.organisation", "c.html", lambda v, r: {}, order=1)

    shown = panels.record_panels_for("someone", session)

    assert [(panel.template, panel.context) for panel in shown] == [
        ("a.html", {"n": 1, "title": "Careers", "viewer": "someone"}),
        ("b.html", {"n": 2}),
    ]
    assert [panel.template for panel in panels.record_panels_for("x", Organisation())] == ["c.html"]


def test_a_panel_with_nothing_to_say_is_left_out(registry: dict[str, Any]) -> None:
    panels.register_record_panel(
        "live_sessions.session", "a.html", lambda viewer, record: None, order=10
    )
    assert panels.record_panels_for("someone", Session(pk=7)) == []


def test_records_and_governance_register_their_sections_of_the_session_page() -> None:
    registered = sorted(
        panels._record_panels["live_sessions.session"].values(), key=lambda panel: panel.order
    )
    assert [panel.template for panel in registered] == [
        "governance/_session_agreements.html",  # each learner's acceptable use agreement
        "records/_session_panel.html",
    ]
