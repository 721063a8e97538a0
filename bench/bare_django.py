"""The yardstick of ``bench/throughput.py``: a bare Django view that runs one query, on the
database named by ``DATABASE_URL`` (read as Chaperon reads it: a pool under PostgreSQL), with
no middleware, served by gunicorn as ``bare_django:application``."""

import os
import sys
from pathlib import Path

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chaperon.core.env import database_from_url


def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return HttpResponse(f"ok {value}", content_type="text/plain")


urlpatterns = [path("", one_query)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-django-bench-only",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": database_from_url(os.environ["DATABASE_URL"])},
)
django.setup()
application = get_wsgi_application()
