"""Fixtures for the audit tests: other processes reaching the test database."""

import os
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.services import record


def _url_of_test_database() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{credentials}{settings['HOST']}{port}/{quote(settings['NAME'], safe='')}"


@pytest.fixture
def process_env(transactional_db: None) -> dict[str, str]:
    """The environment for a process of our own that works on this test's database."""
    return {
        **os.environ,
        "DATABASE_URL": _url_of_test_database(),
        "DJANGO_SETTINGS_MODULE": "chaperon.settings.test",
    }


@pytest.fixture
def console_script() -> str:
    """The installed ``chaperon`` command beside this interpreter."""
    return str(Path(sys.executable).with_name("chaperon"))


def record_events(count: int) -> list[AuditEvent]:
    """``count`` ordinary events, as services write them."""
    actions = [AuditAction.LEARNER_VIEWED, AuditAction.SIGN_IN, AuditAction.STAFF_UPDATED]
    return [
        record(
            action=actions[number % len(actions)],
            organisation_id=7,
            actor_label=f"staff{number}@harbour-view.example",
            reason="weekly review" if number % 2 else "",
            data={"number": number},
        )
        for number in range(count)
    ]
