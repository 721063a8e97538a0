"""Work Django leaves to a process's first requests, done once at start instead.

Django imports the URLconf (and with it every view module and the API's schemas) on the first
request a process answers, and compiles each template the first time it is drawn: about a
second in all, paid by whoever is first to reach each of gunicorn's workers after every start
and restart. ``chaperon.wsgi`` calls ``warm_up`` while gunicorn preloads the application, so
the workers it forks start with all of it already in their memory. Nothing here touches the
database: no connection may be open when the workers are forked.
"""

from pathlib import Path

from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs
from django.urls import URLResolver, get_resolver

import chaperon

PROJECT = Path(chaperon.__file__).resolve().parent
TEMPLATE_SUFFIXES = (".html", ".txt")


def project_template_names() -> list[str]:
    """Every template in Chaperon's own apps, by the name views load it with."""
    names = []
    for folder in get_app_template_dirs("templates"):
        if PROJECT not in Path(folder).resolve().parents:
            continue  # Django's and libraries' templates are compiled when first drawn
        names += [
            path.relative_to(folder).as_posix()
            for path in Path(folder).rglob("*")
            if path.suffix in TEMPLATE_SUFFIXES
        ]
    return sorted(names)


def _populate(resolver: URLResolver) -> None:
    """Build the reverse-lookup tables ``reverse`` and ``{% url %}`` need, for ``resolver``
    and every namespace under it (each is built on its first use otherwise)."""
    resolver.reverse_dict  # noqa: B018
    for _prefix, namespaced in resolver.namespace_dict.values():
        _populate(namespaced)


def warm_up() -> int:
    """Import the URLconf, build its reverse-lookup tables and compile every project
    template; returns how many templates."""
    _populate(get_resolver())  # imports every URLconf and view module on the way
    engine = engines["django"]
    if not isinstance(engine, DjangoTemplates):
        raise TypeError("the 'django' template engine is not Django's own")
    names = project_template_names()
    for name in names:
        engine.get_template(name)  # kept by the cached loader for the process's life
    return len(names)
