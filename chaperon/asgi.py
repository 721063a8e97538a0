"""The ASGI entry point: HTTP now, WebSocket rooms later, in the same process."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaperon.settings.dev")

application = get_asgi_application()
