"""The ASGI entry point: HTTP (Django) and the live rooms' WebSockets, in the same process."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaperon.settings.dev")

# Django is set up before the consumers (and their models) are imported.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chaperon.core.body_limit import BodyLimit  # noqa: E402
from chaperon.rooms.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Django reads a whole body before any view runs: the limit counts it as it arrives.
        "http": BodyLimit(django_application),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
