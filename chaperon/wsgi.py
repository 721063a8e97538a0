"""The WSGI entry point: ordinary HTTP (every page, the API, ``/healthz``) for sync worker
processes (gunicorn). The live rooms' WebSockets are served by the ASGI application
(``chaperon.asgi``); ``chaperon serve`` runs both (docs/deployment.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaperon.settings.dev")

django_application = get_wsgi_application()

# Imported once Django is set up. /healthz is answered before the middleware.
from chaperon.core.health_wsgi import HealthFirst  # noqa: E402
from chaperon.core.warm import warm_up  # noqa: E402

# Under gunicorn's --preload this runs once, before the workers are forked (core/warm.py).
warm_up()

application = HealthFirst(django_application)
