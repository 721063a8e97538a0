"""The WSGI application does a process's first-request work when it is loaded (core/warm.py):
gunicorn loads it once before forking its workers, so none of them is slow to its first
visitors, and no database connection is open across the fork."""

import json
import os
import subprocess
import sys
from pathlib import Path

from chaperon.core.warm import project_template_names

ROOT = Path(__file__).resolve().parents[2]

LOAD_AND_LOOK = """
import json
import chaperon.wsgi
from django.db import connections
from django.template import engines
from django.urls import get_resolver

loader = engines["django"].engine.template_loaders[0]

def unpopulated(resolver):
    missing = [] if resolver._populated else [resolver.namespace or "(root)"]
    for _prefix, namespaced in resolver.namespace_dict.values():
        missing += unpopulated(namespaced)
    return missing

print(json.dumps({
    "compiled": sorted(loader.get_template_cache),
    "unpopulated": unpopulated(get_resolver()),
    "connected": [alias for alias in connections if connections[alias].connection is not None],
}))
"""


def _load_wsgi_in_a_new_process(tmp_path: Path) -> dict[str, list[str]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "chaperon.settings.dev", "CHAPERON_VAR_DIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", LOAD_AND_LOOK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_loading_the_wsgi_application_compiles_every_template_and_builds_the_urls(tmp_path):
    loaded = _load_wsgi_in_a_new_process(tmp_path)
    assert "people/dashboard.html" in loaded["compiled"]
    assert "concerns/public/report.html" in loaded["compiled"]
    assert set(project_template_names()) <= set(loaded["compiled"])
    assert loaded["unpopulated"] == []


def test_loading_the_wsgi_application_opens_no_database_connection(tmp_path):
    # A connection open in gunicorn's master would be shared by every forked worker.
    assert _load_wsgi_in_a_new_process(tmp_path)["connected"] == []


def test_the_templates_warmed_are_the_projects_own():
    names = project_template_names()
    assert "people/dashboard.html" in names
    assert "concerns/_report_fields.html" in names
    assert any(name.endswith(".txt") for name in names)  # the emails' plain text
    assert not any(name.startswith(("django/", "admin/")) for name in names)
