"""The WSGI entry point: ordinary HTTP (every page, the API, ``/healthz``) for sync worker
processes (gunicorn). The live rooms' WebSockets are served by the ASGI application
(``chaperon.asgi``); ``chaperon serve`` runs both (docs/deployment.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaperon.settings.dev")

application = get_wsgi_application()
