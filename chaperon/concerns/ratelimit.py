"""A limit on reports from one address to the public page, kept in the cache: enough for
anyone with a real worry, too few to flood the DSL's inbox."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from . import conf

WINDOW_SECONDS = 60 * 60


def _key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return "concerns:report:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def over_limit(request: HttpRequest) -> bool:
    return int(cache.get(_key(request), 0)) >= conf.reports_per_hour()


def count_report(request: HttpRequest) -> None:
    key = _key(request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, WINDOW_SECONDS)
